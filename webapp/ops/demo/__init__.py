"""A Sunne demo data set for trying the app and for demonstrations."""
