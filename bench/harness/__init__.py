"""bench/run's parts: machine facts, captures, scenarios, one runner per contender, reports."""
