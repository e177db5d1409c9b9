"""The Annotate page's confirmation of a saved label or a rejected suggestion, with Undo: a mistyped key (Enter
on the wrong span, `x` on the wrong suggestion) is taken back at once instead of staying a vote for adjudication.

What this session did on each contract is kept, newest last; Undo withdraws the newest through the API
(`DELETE /v1/labels/{id}`), and the one before it is offered next. The API refuses once an adjudicator has
decided on it, and the page says so."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiError
from ui.plain import plain
from ui.state import api, show_error

DONE = "annotate_done"  # contract id -> [{"id": label id, "what": sentence}]: this session's actions, newest last
UNDONE = "annotate_undone"  # the sentence for the toast after an Undo, or the ApiError that refused it


def remember(cid: str, label_id: int | None, what: str) -> None:
    """An action on the contract that Undo can take back (`label_id`: the label it stored, None: none to take).
    The same label again (a double Enter, which the API answers with the stored one) is one action."""
    actions = st.session_state.setdefault(DONE, {}).setdefault(cid, [])
    if label_id is not None and all(x["id"] != label_id for x in actions):
        actions.append({"id": label_id, "what": what})


def offer(cid: str, me: str) -> None:
    """The newest action on the contract, said in a line with its Undo button (before any, a line as high that
    says so), and what the last Undo did."""
    undone = st.session_state.pop(UNDONE, None)
    if isinstance(undone, ApiError):
        show_error(undone)
    elif undone:
        st.toast(undone)
    actions: list[dict[str, Any]] = st.session_state.get(DONE, {}).get(cid) or []
    # the line is there before the first action too, its button disabled: the text below it does not move down
    # when the first label is saved, under a hand that is already drawing the next span
    with st.container(horizontal=True, vertical_alignment="center"):
        if not actions:
            st.markdown(":gray[Nothing saved on this contract yet in this session.]")
            st.button("Nothing to undo", key=f"undo-{cid}-none", disabled=True)
            return
        last = actions[-1]
        st.markdown(f":material/check_circle: {plain(last['what'])}.")
        st.button("Undo", key=f"undo-{cid}-{last['id']}", on_click=_withdraw, args=(cid, me),
                  help="Take it back; Undo again takes back the one before. Not once an adjudicator has decided.")


def _withdraw(cid: str, me: str) -> None:
    """Undo's click, before the page runs again (so that the labels and suggestions it reads are without it)."""
    actions = st.session_state[DONE][cid]
    last = actions[-1]
    try:
        api().withdraw_label(int(last["id"]), me)
    except ApiError as exc:
        st.session_state[UNDONE] = exc
        if exc.status in (403, 404, 409):  # decided, gone or not mine: it can never be taken back here
            actions.pop()
        return
    actions.pop()
    st.session_state[UNDONE] = f"Took back: {last['what'][0].lower()}{last['what'][1:]}."
