"""Lessons: guided scenes. Read the setup, predict what the optimizer will do, then reveal."""

from ui import lessons

scene, teacher = lessons.sidebar()
lessons.header(scene, teacher)
if lessons.is_revealed(scene):
    lessons.reveal_view(scene, teacher)
else:
    lessons.setup_view(scene, teacher)
if not teacher:
    lessons.glossary()
