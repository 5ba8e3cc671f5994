/** Bench baseline: a webhook handler that imports the whole twilio package (REST client included). */
import twilio from 'twilio';

export const handler = async () => {
  const response = new twilio.twiml.VoiceResponse();
  response.say('Hello');
  response.hangup();
  return { statusCode: 200, headers: { 'Content-Type': 'text/xml' }, body: response.toString() };
};
