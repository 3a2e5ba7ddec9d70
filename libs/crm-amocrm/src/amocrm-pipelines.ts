/** A pipeline with its stages, as `GET /api/v4/leads/pipelines` gives them. */
export interface AmocrmPipeline {
  id: number;
  name: string;
  isMain: boolean;
  isArchive: boolean;
  statuses: Array<{ id: number; name: string; sort: number; type: number }>;
}

/** Won / lost: system stages of every pipeline, never where a new lead goes. */
const CLOSED_STATUSES = new Set([142, 143]);
/** `type` of the unsorted ("Неразобранное") stage. */
const UNSORTED_TYPE = 1;

export function parsePipelines(body: unknown): AmocrmPipeline[] {
  const raw = (body as { _embedded?: { pipelines?: unknown[] } } | null)?._embedded?.pipelines ?? [];
  return (raw as Array<Record<string, any>>).map((p) => ({
    id: Number(p.id),
    name: String(p.name ?? ''),
    isMain: p.is_main === true,
    isArchive: p.is_archive === true,
    statuses: ((p._embedded?.statuses ?? []) as Array<Record<string, any>>).map((s) => ({ id: Number(s.id), name: String(s.name ?? ''), sort: Number(s.sort ?? 0), type: Number(s.type ?? 0) })),
  }));
}

export type StageChoice = { pipelineId: number; statusId: number } | { problem: { field: 'pipelineId' | 'statusId'; message: string } };

const openStages = (p: AmocrmPipeline) => p.statuses.filter((s) => s.type !== UNSORTED_TYPE && !CLOSED_STATUSES.has(s.id)).sort((a, b) => a.sort - b.sort);

/**
 * Where new leads go (DESIGN §7a): the given pipeline/stage, checked against the account's; without them the main
 * pipeline's first open stage after the unsorted one. A stage alone is looked up among the pipelines.
 */
export function chooseStage(pipelines: readonly AmocrmPipeline[], pipelineId?: number | null, statusId?: number | null): StageChoice {
  const active = pipelines.filter((p) => !p.isArchive);
  let pipeline: AmocrmPipeline | undefined;
  if (pipelineId !== undefined && pipelineId !== null) {
    pipeline = active.find((p) => p.id === pipelineId);
    if (!pipeline) return { problem: { field: 'pipelineId', message: `pipelineId ${pipelineId} is not an active pipeline of this amoCRM account (${describe(active)})` } };
  } else if (statusId !== undefined && statusId !== null) {
    pipeline = active.find((p) => p.statuses.some((s) => s.id === statusId)) ?? active.find((p) => p.isMain);
  } else {
    pipeline = active.find((p) => p.isMain) ?? active[0];
  }
  if (!pipeline) return { problem: { field: 'pipelineId', message: 'the amoCRM account has no active pipeline' } };
  const stages = openStages(pipeline);
  if (statusId === undefined || statusId === null) {
    if (stages.length === 0) return { problem: { field: 'pipelineId', message: `pipeline ${pipeline.id} has no open stage` } };
    return { pipelineId: pipeline.id, statusId: stages[0].id };
  }
  if (!stages.some((s) => s.id === statusId)) {
    return { problem: { field: 'statusId', message: `statusId ${statusId} is not an open stage of pipeline ${pipeline.id} (open stages: ${stages.map((s) => `${s.id} «${s.name}»`).join(', ')})` } };
  }
  return { pipelineId: pipeline.id, statusId };
}

function describe(pipelines: readonly AmocrmPipeline[]): string {
  return pipelines.length ? `pipelines: ${pipelines.map((p) => `${p.id} «${p.name}»`).join(', ')}` : 'none';
}
