// The seed flow through the AWS SDK for JavaScript v3 against a personalize_mock server.
// Usage: node seed_flow.mjs <endpoint-url>; prints one JSON document of what it observed.
import {
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeDatasetGroupCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  PersonalizeClient,
  StopSolutionVersionCreationCommand,
  paginateListSolutionVersions,
} from "@aws-sdk/client-personalize";
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from "@aws-sdk/client-personalize-runtime";
import { PersonalizeEventsClient, PutEventsCommand } from "@aws-sdk/client-personalize-events";

const endpoint = process.argv[2];
const config = {
  endpoint,
  region: "us-west-2",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "fake-secret" },
  maxAttempts: 1,
};
const personalize = new PersonalizeClient(config);
const runtime = new PersonalizeRuntimeClient(config);
const events = new PersonalizeEventsClient(config);
const observed = {};

async function control(name, body = {}) {
  const response = await fetch(`${endpoint}/_personalize_mock/${name}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${name}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function versionStatus(arn) {
  const { solutionVersion } = await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn }));
  return solutionVersion.status;
}

const schema = JSON.stringify({
  type: "record",
  name: "Interactions",
  namespace: "com.amazonaws.personalize.schema",
  fields: [
    { name: "USER_ID", type: "string" },
    { name: "ITEM_ID", type: "string" },
    { name: "TIMESTAMP", type: "long" },
  ],
  version: "1.0",
});

const { schemaArn } = await personalize.send(new CreateSchemaCommand({ name: "interactions", schema }));
const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: "seed" }));
observed.datasetGroupArn = datasetGroupArn;
const pending = await personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
observed.groupStatus = pending.datasetGroup.status;
observed.creationIsDate = pending.datasetGroup.creationDateTime instanceof Date;
observed.creationMillis = pending.datasetGroup.creationDateTime.getTime();
await control("settle");
const { datasetArn } = await personalize.send(
  new CreateDatasetCommand({ name: "interactions", schemaArn, datasetGroupArn, datasetType: "Interactions" }),
);
await control("settle");
await personalize.send(
  new CreateDatasetImportJobCommand({
    jobName: "import",
    datasetArn,
    dataSource: { dataLocation: "s3://bucket/interactions.csv" },
    roleArn: "arn:aws:iam::123456789012:role/personalize",
  }),
);
await control("settle");

const { solutionArn } = await personalize.send(
  new CreateSolutionCommand({
    name: "seed",
    datasetGroupArn,
    recipeArn: "arn:aws:personalize:::recipe/aws-user-personalization",
  }),
);
const full = (await personalize.send(new CreateSolutionVersionCommand({ solutionArn, trainingMode: "FULL" })))
  .solutionVersionArn;
observed.fullPending = await versionStatus(full);
await control("advance", { seconds: 3600 });
observed.fullActive = await versionStatus(full);

const { trackingId } = await personalize.send(new CreateEventTrackerCommand({ name: "clicks", datasetGroupArn }));
await control("settle");
await events.send(
  new PutEventsCommand({
    trackingId,
    sessionId: "s1",
    userId: "u1",
    eventList: [{ eventType: "click", itemId: "i1", sentAt: new Date("2024-01-01T00:00:00Z") }],
  }),
);
const update = (await personalize.send(new CreateSolutionVersionCommand({ solutionArn, trainingMode: "UPDATE" })))
  .solutionVersionArn;
await control("settle");
observed.updateActive = await versionStatus(update);

const stopped = (await personalize.send(new CreateSolutionVersionCommand({ solutionArn }))).solutionVersionArn;
await control("advance", { seconds: 600 });
await personalize.send(new StopSolutionVersionCreationCommand({ solutionVersionArn: stopped }));
observed.stopping = await versionStatus(stopped);
await control("settle");
observed.stopped = await versionStatus(stopped);

observed.pages = [];
for await (const page of paginateListSolutionVersions({ client: personalize, pageSize: 1 }, { solutionArn })) {
  observed.pages.push(page.solutionVersions.map((version) => [version.solutionVersionArn, version.trainingMode]));
}
observed.versions = { full, update, stopped };
observed.metrics = (await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn: full }))).metrics;

const { campaignArn } = await personalize.send(new CreateCampaignCommand({ name: "seed", solutionVersionArn: full }));
await control("settle");
const recommended = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId: "u1", numResults: 3 }));
observed.recommended = recommended.itemList.length;

try {
  await personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: `${datasetGroupArn}-missing` }));
  observed.missing = "no error";
} catch (error) {
  observed.missing = { name: error.name, status: error.$metadata.httpStatusCode, message: error.message };
}
try {
  await runtime.send(new GetRecommendationsCommand({ campaignArn: `${campaignArn}-missing`, userId: "u1" }));
  observed.runtimeMissing = "no error";
} catch (error) {
  observed.runtimeMissing = { name: error.name, status: error.$metadata.httpStatusCode };
}

console.log(JSON.stringify(observed));
