"""Reading one capture into the text lines a page shows.

- :mod:`.decode`: capture bytes to normalised text: encodings, content hashing, lines to parse;
- :mod:`.text`: text as captures are compared (line endings, spaces, no control characters);
- :mod:`.html`: HTML to the lines a browser would show (lexbor), with its depth guard;
- :mod:`.html_nesting`, :mod:`.html_stack`: how deep a page nests, by the HTML parser's rules;
- :mod:`.html_process`: HTML pages converted in a worker process, each under a time limit.
"""
