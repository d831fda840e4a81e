"""Leaderboard tables, the static HTML report and the gate's PR summary."""
