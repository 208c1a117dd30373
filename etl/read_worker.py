"""`python -m etl.read_worker`: read the pickled (bytes, file name, limits) on standard input with `etl.read` and
write the pickled sheets (or the refusal) to standard output; the dashboard parses uploads in this process."""

import os
import pickle
import sys

from etl.read import all_sheets

if __name__ == "__main__":
    # Below the dashboard's priority: on a busy machine the pages are served first, the file read in the gaps.
    os.nice(10)
    data, file_name, limits = pickle.load(sys.stdin.buffer)
    pickle.dump(all_sheets(data, file_name, limits), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)
