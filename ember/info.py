"""``python -m ember.info``: print the versions, CPU, BLAS and backends Ember runs on."""
from .utils.collect_env import main

if __name__ == "__main__":
    main()
