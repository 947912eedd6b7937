package dev.segmentation.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * What the first bytes of a file tell about it being delimited UTF-8 text. Spark would read any
 * bytes as lines; a spreadsheet or an archive would then show up as strange column names.
 */
final class TextStart {

  /** Enough for any header line and for every signature below. */
  static final int BYTES = 8192;

  private static final byte[] ZIP = {'P', 'K', 3, 4};
  private static final byte[] GZIP = {(byte) 0x1f, (byte) 0x8b};
  private static final byte[] UTF16_LE = {(byte) 0xff, (byte) 0xfe};
  private static final byte[] UTF16_BE = {(byte) 0xfe, (byte) 0xff};

  /**
   * @param advice what to do about it
   */
  record NotText(String reason, String advice) {}

  private TextStart() {}

  /**
   * @param head the first bytes of the (decompressed) file, at most {@link #BYTES}
   * @param whole whether they are the whole file, so a sequence cut at the end is an error
   */
  static Optional<NotText> problem(byte[] head, boolean whole) {
    if (startsWith(head, ZIP)) {
      // XLSX, ODS and Numbers files are ZIP archives.
      return Optional.of(new NotText("it starts like a ZIP archive", "save it as CSV"));
    }
    if (startsWith(head, GZIP)) {
      return Optional.of(new NotText("it is gzip-compressed", "end its name with .gz"));
    }
    if (startsWith(head, UTF16_LE) || startsWith(head, UTF16_BE)) {
      // Spreadsheets' "Unicode text".
      return Optional.of(new NotText("it is UTF-16 text", "save it as CSV UTF-8"));
    }
    for (int i = 0; i < head.length; i++) {
      if (head[i] == 0) {
        return Optional.of(new NotText("it contains NUL bytes", "save it as CSV"));
      }
    }
    return invalidUtf8At(head, whole)
        .map(
            offset ->
                new NotText(
                    String.format(
                        "it is not valid UTF-8: byte 0x%02X at offset %d",
                        head[offset] & 0xff, offset),
                    "save it as CSV UTF-8"));
  }

  private static Optional<Integer> invalidUtf8At(byte[] head, boolean whole) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(head);
    CoderResult result = decoder.decode(bytes, CharBuffer.allocate(head.length), whole);
    return result.isError() ? Optional.of(bytes.position()) : Optional.empty();
  }

  private static boolean startsWith(byte[] head, byte[] signature) {
    if (head.length < signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if (head[i] != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
