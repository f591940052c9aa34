"""Static pieces of the HTML preview page, kept apart from the code that fills them."""
