"""Person data Sweep was never built on: a generator of its own (``generate.py``, with name
lists in ``names.py``) and the flat files both engines of ``bench_unseen.py`` read
(``flat.py``)."""
