"""remit: registry, criteria engine and outcomes toolkit for IL-1 blockade in
paediatric systemic inflammatory disease.

Research software, not a medical device: it explains and checks, it never decides.
"""

__version__ = "0.1.0"
