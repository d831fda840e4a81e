"""One module per multi-step protocol; each exports its class as ``PROTOCOL``
(see evalkit/episodes/registry.py)."""
