"""Lessons: guided scenes. Read the setup, predict what the optimizer will do, then reveal."""

from ui import lessons, share, state

# app.py does this too; again here because Streamlit may run this script without app.py
# (see pages/curvature.py).
state.persist()

scene, teacher = lessons.sidebar()
lessons.header(scene, teacher)
if lessons.is_revealed(scene):
    lessons.reveal_view(scene, teacher)
else:
    lessons.setup_view(scene, teacher)

share.finish()
