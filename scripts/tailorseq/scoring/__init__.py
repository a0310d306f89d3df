"""A learned score for germline variant calls: features, model, training data and training."""
