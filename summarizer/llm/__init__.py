"""The LLM engine: versioned prompts, structured output, retries, grounding, cache.

Import ``summarizer.llm.settings`` and ``summarizer.llm.engine`` lazily from the offline path:
only ``summarizer.llm.client`` imports ``openai``, and only when a run starts.
"""
