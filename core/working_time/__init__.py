"""When the service centre works: opening hours per weekday, China's public holidays and make-up
working days (调休), and working time counted over them."""
