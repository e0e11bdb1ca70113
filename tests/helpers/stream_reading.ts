/** Reading a live event stream in a test: until what is read so far says enough. */

const decoder = new TextDecoder();

/** Reads `stream` until `done` holds for the text so far, or fails after `timeoutMs`. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  done: (text: string) => boolean,
  timeoutMs = 5_000,
): Promise<string> {
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (!done(text)) {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`no match in ${JSON.stringify(text)}`)),
        deadline - Date.now(),
      )
    );
    const { value, done: ended } = await Promise.race([reader.read(), timeout]);
    if (ended) throw new Error(`stream ended: ${text}`);
    text += decoder.decode(value);
  }
  return text;
}
