"""The raw dir: listing its capture files and landing them, each identified by its bytes.

- :mod:`.listing`: one ``scandir`` walk of the raw dir, and which files are captures;
- :mod:`.landing`: the inventory of every capture file (SHA-256, size, dating), kept in the lake.
"""
