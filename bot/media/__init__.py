"""Images for posts: a statement's image (or a PDF's first page) made to fit each network's ``MediaRules``.

Pillow and pypdfium2 are imported only when an image must be changed or a PDF rendered,
so previewing a text statement, or one whose image already fits, loads neither.
"""
