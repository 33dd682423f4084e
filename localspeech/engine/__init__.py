"""The recognizer behind the bundled speech service: PocketSphinx, adapted per custom model.

No Django imports: the engine works on files and arrays, so it can run on its own machines.
"""
