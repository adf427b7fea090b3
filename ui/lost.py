"""Models whose training was cut off: opened by a link from the model store, unfinished.

In a hall (docs/serving.md), a model trains in one replica's process and is stored as it
trains, every 200 steps. If that replica is lost, the student's browser reconnects to another
one, and the link's model id opens the last stored checkpoint there: say so, rather than
show it as a finished model.
"""

from __future__ import annotations

from . import models, training_jobs


def unfinished(name: str) -> tuple[int, int] | None:
    """(steps done, steps planned) of this session's model `name` if its training never
    finished (its checkpoint was stored on the way), else None."""
    ckpt = models.trained_models().get(name)
    training = {} if ckpt is None else ckpt.info.get("training", {})
    if training.get("finished") is not False:  # finished, or stored before this was kept
        return None
    return int(training.get("steps", 0)), int(training.get("max_steps", 0))


def lost_training_notes() -> list[str]:
    """A note for each model the link opened whose training stopped on the way and that no
    job of this server trains: its training was lost with the server that ran it."""
    job = training_jobs.board().job
    training_here = None if job is None else job.model_id
    notes = []
    for name, model_id in models.stored_ids().items():
        done = unfinished(name)
        if done is None or model_id == training_here:
            continue
        notes.append(
            f"the training of **{name}** stopped at step {done[0]:,} of {done[1]:,}: the "
            "server that trained it is gone. Its last stored checkpoint opens here; train "
            "it again on the Train page to finish it"
        )
    return notes
