"""`novum spark landscape`: documents per strategic emerging industry per priority year, counted on the Spark
cluster's executors over the whole PostgreSQL store, equal to the library landscape's figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from novum.analytics.landscape import landscape
from novum.ingest.pipeline import Ingester
from novum.spark.ingest import StoreSpec
from novum.spark.landscape import from_landscape, industry_years
from novum.store.analytics import AnalyticsReader
from tests.conftest import fixture
from tests.helpers import novum


def test_industry_years_on_spark_equal_the_library_landscape(
    spark: Any, spark_cluster: str, pg_database: str, tmp_path: Path
) -> None:
    weekly = sorted(fixture("us-patentsview-db/ipgxml").glob("ipg*.xml"))[:3]  # first weekly files of 2005-2007
    spec = StoreSpec(str(tmp_path / "data"), pg_database)
    with spec.open() as store:
        Ingester(store, None).run(weekly)
        expected = from_landscape(landscape(AnalyticsReader(store).records()))
    assert len(expected) >= 5 and sum(expected.values()) >= 20  # real grants land in several industries and years

    assert industry_years(spark, spec, chunk=16) == expected  # several tasks, merged by reduceByKey

    out = novum("spark", "landscape", "--master", spark_cluster, "--database-url", pg_database,
                "--data-dir", str(tmp_path / "data"), "--format", "json")  # fmt: skip
    assert {(r["code"], r["year"]): r["documents"] for r in json.loads(out)} == expected
