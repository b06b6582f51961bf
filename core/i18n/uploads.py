"""Labels of the server-side upload checks (core/uploads.py), shared by every form that takes a file."""

ZH: dict[str, str] = {
    "err.upload_empty": "请先选择要上传的文件。",
    "err.upload_too_big": "文件太大：最多 {max_mb} MB。请压缩或重新拍摄后再上传。",
    "err.upload_type": "这个文件不是可接受的格式：只接受 {kinds}（按文件内容判断，改扩展名无效）。",
    "err.upload_broken": "文件已损坏或不完整，无法打开，请重新导出或重新拍摄。",
    "err.upload_dimensions_big": "图片尺寸过大（每边最多 {max_side} 像素），请缩小后再上传。",
    "err.upload_dimensions_small": "图片太小（每边至少 {min_side} 像素），看不清内容，请重新拍摄。",
    "field.upload": "上传文件",
}

EN: dict[str, str] = {
    "err.upload_empty": "Choose a file to upload first.",
    "err.upload_too_big": "The file is too large: at most {max_mb} MB. Compress it or take the photo again.",
    "err.upload_type": "This file is not an accepted format: only {kinds} (judged by the file's content, not its name).",
    "err.upload_broken": "The file is damaged or incomplete and cannot be opened: export or photograph it again.",
    "err.upload_dimensions_big": "The picture is too large (at most {max_side} pixels a side): shrink it and upload again.",
    "err.upload_dimensions_small": "The picture is too small to read (at least {min_side} pixels a side): take it again.",
    "field.upload": "File",
}
