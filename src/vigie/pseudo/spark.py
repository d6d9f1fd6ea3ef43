"""The global pass of an extract on Apache Spark, for volumes beyond one machine: the same rules, the same k.

The batches read through the gate are the same Parquet parts as for Polars; Spark applies the spec's
generalisation rules (each rule of `generalise` has its Spark form here, built from the same parameters and
labels), drops the classes smaller than k within the budget or refuses, and writes Parquet and CSV as Spark
does, one directory of part files each (`extraction.parquet/`, `extraction.csv/`), so that no single machine
has to hold the result. A test checks that the rows are those of the Polars pass.

The master is `local[2]` unless `VIGIE_SPARK_MASTER` names a cluster; pyspark is the `spark` extra.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vigie.errors import ConfigurationError
from vigie.pseudo.extract import _EXAMPLES, CSV, PARQUET, KTargetMissed, Suppression
from vigie.pseudo.generalise import HIDDEN, OTHER, Rule, band_labels
from vigie.pseudo.regions import REGION_OF
from vigie.pseudo.spec import ExtractSpec

_N = "__n"


def session() -> Any:
    """The Spark session of this process (created once, quiet, without its web UI)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise ConfigurationError("moteur Spark indisponible : installez l'extra « spark » (pyspark)") from error
    master = os.environ.get("VIGIE_SPARK_MASTER", "local[2]")
    try:
        spark = (
            SparkSession.builder.master(master)
            .appName("vigie-extraction")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.session.timeZone", "UTC")
            .getOrCreate()
        )
    except Exception as error:  # Java missing or the master unreachable: configuration, not a bug
        raise ConfigurationError(f"moteur Spark indisponible ({master}) : {str(error)[:200]}") from error
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_rule(item: Rule, name: str) -> Any:
    """The Spark column of `item` applied to the column `name` (same values as the Polars expression)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    c = F.col(name)
    if item.name == "keep":
        out = c
    elif item.name == "hide":
        out = F.lit(HIDDEN)
    elif item.name == "age_band":
        width = int(item.params[0])
        low = F.floor(c / width) * width
        out = F.when(c.isNull(), None).otherwise(
            F.concat(low.cast("long").cast("string"), F.lit("-"), (low + width - 1).cast("long").cast("string"))
        )
    elif item.name in ("birth_year", "year"):
        out = F.year(c).cast("string")
    elif item.name == "month":
        out = F.date_format(c, "yyyy-MM")
    elif item.name == "quarter":
        out = F.concat(F.year(c).cast("string"), F.lit("-T"), F.quarter(c).cast("string"))
    elif item.name == "region":
        pairs = [F.lit(x) for kv in REGION_OF.items() for x in kv]
        out = F.coalesce(F.create_map(*pairs)[c.cast("string")], F.lit(HIDDEN))
    elif item.name == "bands":
        bounds = [float(x) for x in item.params]
        labels = band_labels(bounds)
        value = c.cast("double")
        index = sum((F.when(value >= b, 1).otherwise(0) for b in bounds), F.lit(0))
        label = F.element_at(F.array(*[F.lit(x) for x in labels]), index + 1)
        out = F.when(value.isNull(), None).otherwise(label)
    elif item.name == "rare":
        count = F.count(F.lit(1)).over(Window.partitionBy(c))
        out = F.when(count < int(item.params[0]), F.lit(OTHER)).otherwise(c.cast("string"))
    else:  # a rule added to generalise.RULES without its Spark form
        raise ConfigurationError(f"règle « {item.name} » sans équivalent Spark")
    return out.alias(name)


def finish_spark(spec: ExtractSpec, parts: Path, work: Path) -> Suppression:
    """The global pass on Spark: generalise, reach k within the budget or refuse, write Parquet and CSV."""
    from pyspark.sql import functions as F

    spark = session()
    frame = spark.read.parquet(str(parts))
    for f in spec.fields:
        if f.rule is not None and f.rule.name != "keep":
            frame = frame.withColumn(f.name, spark_rule(f.rule, f.name))
    frame = frame.select([f.name for f in spec.fields]).cache()
    qis = list(spec.quasi_identifiers)
    classes = frame.groupBy(qis).agg(F.count(F.lit(1)).alias(_N)).cache()
    totals = classes.agg(
        F.coalesce(F.sum(_N), F.lit(0)).alias("total"),
        F.coalesce(F.sum(F.when(F.col(_N) < spec.k, F.col(_N))), F.lit(0)).alias("small"),
        F.min(F.when(F.col(_N) >= spec.k, F.col(_N))).alias("reached"),
        F.count(F.when(F.col(_N) >= spec.k, 1)).alias("classes"),
    ).first()
    total, small = int(totals["total"]), int(totals["small"])
    if small > spec.max_suppression * total:
        rows = classes.filter(F.col(_N) < spec.k).orderBy(_N).limit(_EXAMPLES).collect()
        examples = [{"classe": {q: row[q] for q in qis}, "lignes": int(row[_N])} for row in rows]
        raise KTargetMissed(spec.k, small, total, spec.max_suppression, examples)
    big = classes.filter(F.col(_N) >= spec.k).select(qis)
    condition = [frame[q].eqNullSafe(big[q]) for q in qis]
    kept = frame.join(big, condition, "left_semi")
    kept.write.parquet(str(work / PARQUET))
    kept.write.option("header", "true").csv(str(work / CSV))
    frame.unpersist()
    classes.unpersist()
    return Suppression(total, small, int(totals["classes"]), int(totals["reached"] or 0))
