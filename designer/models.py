# Models arrive with the first feature issue (projects, schema versions, reviews).
