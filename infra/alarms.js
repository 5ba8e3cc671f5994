'use strict';
/**
 * Alarms for the first day in production (and every day after): webhooks that could not
 * answer, an open CRM circuit, SMS that failed, a stalled bulk import. They notify an SNS topic when the stage has
 * one: --param "alarmEmail=ops@example.com" creates a topic mailing that address (confirm the
 * subscription mail), --param "alarmTopicArn=arn:aws:sns:…" uses an existing topic; without
 * either the alarms still show in the CloudWatch console. Generated here rather than with
 * CloudFormation conditions, so the template holds only what the stage really has.
 * The product's metrics are EMF lines (lib/observability/metrics.ts), published with the
 * `service` dimension alone for these alarms (ALARMED_METRICS).
 */

const lambdaErrors = (id, fn) => ({
  Id: id,
  ReturnData: false,
  MetricStat: {
    Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }] },
    Period: 300,
    Stat: 'Sum',
  },
});

const productMetric = (id, namespace, name) => ({
  Id: id,
  ReturnData: false,
  MetricStat: { Metric: { Namespace: namespace, MetricName: name, Dimensions: [{ Name: 'service', Value: 'balance-ivr' }] }, Period: 300, Stat: 'Sum' },
});

module.exports = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  const namespace = String(await resolveVariable('param:metricsNamespace'));
  const email = String(await resolveVariable("param:alarmEmail, ''"));
  const existingTopic = String(await resolveVariable("param:alarmTopicArn, ''"));
  const name = `balance-ivr-${stage}`;
  const Resources = {};
  const Outputs = {};
  let topic;
  if (email) {
    Resources.AlarmTopic = {
      Type: 'AWS::SNS::Topic',
      Properties: { DisplayName: `${name} alarms`, Subscription: [{ Protocol: 'email', Endpoint: email }] },
    };
    topic = { Ref: 'AlarmTopic' };
  } else if (existingTopic) {
    topic = existingTopic;
  }
  if (topic) Outputs.AlarmTopicArn = { Value: topic };
  const notify = topic ? { AlarmActions: [topic] } : {};
  const common = { ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, EvaluationPeriods: 1, TreatMissingData: 'notBreaching', ...notify };

  // Any webhook that answered with its fallback TwiML, passed its step deadline, crashed or
  // timed out (the Lambdas' own Errors), or made Twilio request the fallback URL.
  Resources.WebhookErrorsAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${name}-webhook-errors`,
      AlarmDescription: 'Callers heard an apology: a webhook failed, timed out or passed its step deadline (serverless logs -f voice)',
      ...common,
      Metrics: [
        {
          Id: 'total',
          Label: 'Webhook failures',
          Expression: 'FILL(voice, 0) + FILL(status, 0) + FILL(fallback, 0) + FILL(failed, 0) + FILL(deadline, 0)',
          ReturnData: true,
        },
        lambdaErrors('voice', 'VoiceLambdaFunction'),
        lambdaErrors('status', 'StatusLambdaFunction'),
        lambdaErrors('fallback', 'FallbackLambdaFunction'),
        productMetric('failed', namespace, 'WebhookFailed'),
        productMetric('deadline', namespace, 'StepDeadlineExceeded'),
      ],
    },
  };
  const simple = (id, metric, description) => {
    Resources[id] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${name}-${id.replace(/Alarm$/, '').replace(/[A-Z]/g, (c, i) => `${i ? '-' : ''}${c.toLowerCase()}`)}`,
        AlarmDescription: description,
        Namespace: namespace,
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'balance-ivr' }],
        Statistic: 'Sum',
        Period: 300,
        ...common,
      },
    };
  };
  simple('CrmCircuitOpenAlarm', 'CrmCircuitOpen', 'A lookup source failed repeatedly and its circuit is open: callers go straight to the error destination');
  simple('SmsFailedAlarm', 'SmsFailed', 'Payment-link SMS could not be sent (callers were told so)');
  // A bulk import message that failed five times lands in the dead-letter queue: its job stalls
  // (the panel can resume it once the cause is fixed).
  Resources.ImportDeadLettersAlarm = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `${name}-import-dead-letters`,
      AlarmDescription: 'A bulk import step failed five times and was set aside: the job is stalled (serverless logs -f importWorker; resume it in the panel)',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['ImportDeadLetterQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      ...common,
    },
  };
  return { Resources, Outputs };
};
