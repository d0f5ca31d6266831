"""The statistics API's response shapes, for its OpenAPI document."""

from pydantic import BaseModel, Field

_DAY = r"^(\d{4}-\d{2}-\d{2})?$"


class FilterQuery(BaseModel):
    """Which reports a figure covers; empty fields do not filter."""

    from_day: str = Field(
        "",
        pattern=_DAY,
        description="First day of submission (YYYY-MM-DD, WIB); default 1 January this year.",
    )
    to_day: str = Field("", pattern=_DAY, description="Last day (inclusive); default today.")
    province_code: str = Field("", description="Province, e.g. 32.")
    regency_code: str = Field("", description="Regency or city, e.g. 32.73.")
    agency_code: str = Field("", description="Agency, e.g. pemkot-3273.disdukcapil.")
    category_code: str = Field("", description="Category, e.g. sosial.pkh.")
    programme: str = Field("", description="National programme, e.g. pkh.")
    report_type: str = Field("", description="complaint, aspiration or information_request.")
    channel: str = Field(
        "", description="web, mobile, sms, social_media, open311 or agency_system."
    )


class Outcomes(BaseModel):
    reports: int = Field(description="Reports submitted in the period.")
    confidential: int
    verified: int
    routed: int
    rejected: int
    archived: int
    duplicates: int
    responded: int = Field(description="With an agency's first substantive response.")
    resolved: int
    closed: int
    escalations: int
    warnings: int = Field(description="Missed deadlines, each a warning against the agency.")
    appeals: int
    deadlines_met: int
    deadlines_missed: int
    rated: int
    ratings: list[int] = Field(description="How many rated 1, 2, 3, 4 and 5.")
    resolution_rate: float = Field(description="resolved / reports.")
    deadlines_met_share: float = Field(description="met / (met + missed).")
    satisfaction_average: float = Field(description="Average rating, 1..5; 0 without ratings.")
    satisfied_share: float = Field(description="Share of ratings of 4 or 5.")


class Summary(BaseModel):
    from_day: str
    to_day: str
    outcomes: Outcomes
    daily_average: float
    agencies_connected: int = Field(description="Agencies whose own systems consume their topic.")
    resolution_median_hours: float
    agencies_reached: int = Field(description="Agencies that received the period's reports.")


class BreakdownRow(BaseModel):
    period: str
    key: str
    label: str
    outcomes: Outcomes


class Breakdown(BaseModel):
    from_day: str
    to_day: str
    rows: list[BreakdownRow]


class Distribution(BaseModel):
    measure: str = Field(description="verification, first_response or resolution.")
    count: int
    median_hours: float
    p90_hours: float
    bucket_upper_hours: list[float]
    bucket_counts: list[int] = Field(description="Per bucket, then the open bucket above.")


class Durations(BaseModel):
    from_day: str
    to_day: str
    distributions: list[Distribution]


class LeagueRow(BaseModel):
    rank: int = Field(description="0 when not ranked (too few reports).")
    agency_code: str
    agency_name: str
    index: float = Field(description="LAPOR! service index, 0..100.")
    outcomes: Outcomes
    response_median_hours: float
    ranked: bool


class LeagueTable(BaseModel):
    from_day: str
    to_day: str
    rows: list[LeagueRow]


class Spike(BaseModel):
    event_id: str
    day: str
    category_code: str
    category_name: str
    region_code: str
    region_name: str
    count: int
    baseline_mean: float
    baseline_days: int
    threshold: int
    rule_version: str


class SpikeList(BaseModel):
    spikes: list[Spike]


class OpenDataDay(BaseModel):
    day: str = Field(description="Reports submitted up to the end of this day (WIB).")
    files: list[str] = Field(description="Download paths: CSV and Parquet.")


class OpenDataList(BaseModel):
    schema_path: str = Field(alias="schema", description="The columns, in schema.json.")
    days: list[OpenDataDay] = Field(description="Newest first.")
