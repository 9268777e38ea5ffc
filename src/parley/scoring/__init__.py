"""Every scorer: the gold layers (``gold``) and the evaluation of gold files
(``evaluate``); class measures, P/R/F1 from counts, macro-F1 (``classes``);
ranking measures, MAP and P@k (``ranking``); SemEval span-overlap F1 and
technique classification (``spans``); attribution content matching of the
PolNeAR kind (``attributions``)."""
