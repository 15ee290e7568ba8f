# Models arrive with the fairs issue.
