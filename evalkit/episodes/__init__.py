"""Episodes: samples that are sequences of steps (generate, act, judge, repeat).

A *protocol* (evalkit/protocols/<name>.py) is linear, deterministic code over an
:class:`Episode`; every model call and costly action goes through the episode,
which stores it as it happens (generations.jsonl, episodes.jsonl).  Resume is
*durable replay*: the protocol runs again from the start, stored calls return
their stored results at once, and work goes on live at the first call that was
not stored (docs/architecture.md, "Episodes").
"""

from __future__ import annotations

from evalkit.episodes.episode import Diverged, Episode, EpisodeError
from evalkit.episodes.journal import EpisodeFinal, Journal
from evalkit.episodes.protocol import Protocol
from evalkit.episodes.registry import load_protocol

__all__ = ["Diverged", "Episode", "EpisodeError", "EpisodeFinal", "Journal", "Protocol",
           "load_protocol"]
