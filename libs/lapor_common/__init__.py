"""The LAPOR platform's small shared library: envelope, topics, clients, health, settings, logging.

Code lives here only when two or more services need it; domain logic never does.
"""
