/** The output without the clock: JSON's seconds and statesPerSecond, the text's "1.2 s, 3,400 states/s". */
export function unclocked(s: string): string {
  return s
    .replace(/"(seconds|statesPerSecond)": [\d.]+/g, '"$1": 0')
    .replace(/[\d.]+ s, [\d,]+ (states|transitions)\/s/g, 'T s, R $1/s');
}

