// The local OpenAI-compatible stand-in lives in bench/support/ (bench/ai.ts runs it too, and bench/
// never imports test/); tests import it from here.
export { startOpenAiStandIn, type OpenAiStandIn, type RecordedRequest, type StandInBehaviour } from '../../bench/support/openai-stand-in.ts';
