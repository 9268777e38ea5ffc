"""Every scorer: the gold layers (``gold``), and the evaluation of gold files (``evaluate``)."""
