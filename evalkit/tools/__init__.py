"""Tools a model may call during tool-integrated reasoning (issue 19)."""
