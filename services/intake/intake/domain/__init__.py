"""The report's life as plain data and pure functions: no I/O anywhere in this package.

``model`` holds state, statuses and principals; ``submission`` and ``lifecycle``
decide commands; ``fold`` evolves state from events; ``timeline`` words events
for people.
"""
