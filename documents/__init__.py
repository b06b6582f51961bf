"""The paper and the workbooks the service centre hands out, made from plain data: PDFs
(WeasyPrint from Jinja2 templates, Chinese in Noto CJK) and Excel workbooks. Nothing here reads the
store or draws a screen: services gather the data, ui offers the download."""
