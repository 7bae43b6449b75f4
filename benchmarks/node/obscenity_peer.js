// Peer for benchmarks/bench_screening.py: the npm filter `obscenity` on the same terms and lines.
// Reads JSON {terms, lines, seconds} on stdin; prints JSON {count, seconds, flagged} where `flagged` lists the
// indices of the lines it flags among the first `count` it screened within `seconds` (all of them if it can).
"use strict";

const {
  DataSet,
  RegExpMatcher,
  englishRecommendedTransformers,
  parseRawPattern,
} = require("obscenity");

function readStdin() {
  return require("fs").readFileSync(0, "utf8");
}

function main() {
  const input = JSON.parse(readStdin());
  const dataset = new DataSet();
  for (const term of input.terms) {
    // Whole words, as Vigie and better-profanity match them: `|term|` asserts word boundaries.
    dataset.addPhrase((phrase) => phrase.addPattern(parseRawPattern(`|${term}|`)));
  }
  const matcher = new RegExpMatcher({ ...dataset.build(), ...englishRecommendedTransformers });
  const flagged = [];
  // CPU time of this process (user + system, microseconds), as the Python side measures itself.
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const started = cpu();
  let count = 0;
  for (const line of input.lines) {
    if (matcher.hasMatch(line)) flagged.push(count);
    count += 1;
    if (count % 64 === 0 && cpu() - started > input.seconds) break;
  }
  const seconds = cpu() - started;
  process.stdout.write(JSON.stringify({ count, seconds, flagged }));
}

main();
