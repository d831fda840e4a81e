"""Contest scoring rules, one module per contest."""
