"""A ticket's SLA clocks as the pages show them: a coloured chip per clock with what is
left (or how late it is), and the data the page's script needs to count 7×24 clocks down
(due_at, warn_at) — working-hours clocks show the server's `remaining_seconds`.

Built in Python rather than a template: the queue shows three clocks on each of 50 rows,
and as a Jinja macro they were most of the page's rendering time (bench console-queue)."""

from __future__ import annotations

from markupsafe import Markup, escape

from console.messages import Messages


def clock_chips(clocks: list[dict], messages: Messages, local_time, duration) -> Markup:
    chips = []
    for clock in clocks:
        state = clock["state"]
        if state == "cancelled":
            continue
        remaining = clock.get("remaining_seconds")
        overdue = state == "breached" or (remaining is not None and remaining < 0)
        if state == "running":
            value = (f"{messages('clock.overdue')} {duration(-remaining)}" if overdue
                     else duration(remaining))
        else:
            value = messages(f"clock.{state}")
        name = messages.label("clock", clock["clock"])
        due = clock.get("due_at")
        title = f"{name} {clock['target']}（{clock['clause']}）"
        if due:
            title += f"，{messages('clock.due')} {local_time(due)}"
        chips.append(
            f'<span class="clock clock-{escape(state)}{" clock-overdue" if overdue else ""}" '
            f'data-state="{escape(state)}" data-schedule="{escape(clock["schedule"])}" '
            f'data-due="{escape(due or "")}" data-warn="{escape(clock.get("warn_at") or "")}" '
            f'data-remaining="{"" if remaining is None else int(remaining)}" title="{escape(title)}">'
            f'<span class="clock-name">{escape(name)}</span> '
            f'<span class="clock-value">{escape(value)}</span></span>')
    return Markup("\n".join(chips))
