"""The digest as data: what the Markdown and HTML renderers draw (no formatting here)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "ChartBar",
    "Digest",
    "DigestStory",
    "IndexEntry",
    "IndexLink",
    "IssueRef",
    "MetricGroup",
    "MetricReport",
    "SourceRef",
    "TopicSection",
]


class IssueRef(BaseModel):
    """One source issue of the digest (the ``Sources`` list; anchors point here)."""

    id: int
    name: str
    path: str
    issue_date: str | None = None
    articles: int = 0
    metrics: int = 0

    @property
    def anchor(self) -> str:
        return f"src-{self.id}"


class SourceRef(BaseModel):
    """An article inside an issue: where a story or a metric came from."""

    issue_id: int
    issue: str
    issue_date: str | None = None
    article_id: str
    path: str

    @property
    def label(self) -> str:
        return f"{self.issue_date or self.issue} · {self.article_id}"


class DigestStory(BaseModel):
    """A story: articles with the same headline across issues, shown once with every source."""

    title: str
    summary: str
    key_points: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    zones: list[str] = Field(default_factory=list)
    companies: list[str] = Field(default_factory=list)
    metric_count: int = 0
    score: float = 0.0
    density: float = 0.0
    salience: float = 0.0
    novelty: float = 0.0
    sources: list[SourceRef] = Field(default_factory=list)
    anchor: str = ""  # id of the story in the rendered digest


class TopicSection(BaseModel):
    topic: str
    stories: list[DigestStory] = Field(default_factory=list)
    more: int = 0  # stories of this topic not shown


class MetricReport(BaseModel):
    """One distinct value of a metric group and every article that reported it."""

    value: float
    unit: str
    normalized_value: float
    normalized_unit: str
    qualifier: str = "exact"
    quote: str
    sources: list[SourceRef] = Field(default_factory=list)  # the first ones, chronologically
    source_count: int = 0  # every article that reported this value


class MetricGroup(BaseModel):
    """A metric across issues: canonical subject + indicator + period (+ kind)."""

    subject: str | None = None
    indicator: str | None = None
    period: str | None = None
    kind: str
    reports: list[MetricReport] = Field(default_factory=list)
    value_count: int = 0  # distinct values reported (reports holds at most a few of them)
    conflict: bool = False  # different values reported by different issues
    change: MetricReport | None = None  # the matching growth rate of a level metric


class IndexLink(BaseModel):
    """A story in the index: its anchor in this digest when it is shown, and its first source."""

    title: str
    anchor: str | None = None
    source: SourceRef


class IndexEntry(BaseModel):
    name: str
    stories: list[IndexLink] = Field(default_factory=list)
    more: int = 0


class ChartBar(BaseModel):
    zone: str
    indicator: str
    period: str | None = None
    value: float
    source: SourceRef


class Digest(BaseModel):
    title: str = "Bulletin digest"
    generated_at: str
    since: str | None = None
    until: str | None = None
    issues: list[IssueRef] = Field(default_factory=list)
    article_count: int = 0
    metric_count: int = 0
    overview: list[str] = Field(default_factory=list)
    overview_kind: str = "extractive"  # or "llm"
    overview_violations: list[str] = Field(default_factory=list)
    overview_source: str | None = None  # "model via prompt id@version" for an LLM overview
    overview_error: str | None = None  # the LLM overview failed: the extractive one is shown
    front: list[DigestStory] = Field(default_factory=list)
    sections: list[TopicSection] = Field(default_factory=list)
    metric_groups: list[MetricGroup] = Field(default_factory=list)
    metric_groups_total: int = 0
    conflicts: list[MetricGroup] = Field(default_factory=list)
    conflicts_total: int = 0
    zones: list[IndexEntry] = Field(default_factory=list)
    companies: list[IndexEntry] = Field(default_factory=list)
    chart: list[ChartBar] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.issues
