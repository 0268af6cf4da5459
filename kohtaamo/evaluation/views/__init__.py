"""Evaluation views: dashboards and exports, program theory (models, adoptions, adaptations),
experiments, the social report and the research extract."""
