"""Industry analytics over the store's records: strategic emerging industries (SEI) from IPC, industry definitions,
applicant-name cleaning, landscapes, early-warning monitoring, charts and reports. The computations are pure
functions over records, so the CLI, the web page, a report and a batch job share them."""
