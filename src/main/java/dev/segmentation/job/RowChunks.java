package dev.segmentation.job;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * The rows of a table packed into byte arrays of about {@link #CHUNK_BYTES}, for {@link
 * Checkpoints} to keep: each chunk is its row count, then each row as its size and its bytes
 * (Spark's own UnsafeRow format). Kept as a few large arrays, a table of millions of lines costs no
 * serializer work per row, on the way in or out: with the rows kept one by one through Kryo,
 * reading them back (the reference tracker reset after every row) was a sixth of a train's CPU time
 * at 20 times the bundled data.
 */
final class RowChunks {

  static final int CHUNK_BYTES = 4 << 20;

  private RowChunks() {}

  /** Each partition's rows as chunks. */
  static JavaRDD<byte[]> pack(RDD<InternalRow> rows, StructType schema) {
    return rows.toJavaRDD().mapPartitions(partition -> pack(partition, schema));
  }

  /** The rows back, read in place from the chunks; the one row object is reused, as scans do. */
  static RDD<InternalRow> unpack(JavaRDD<byte[]> chunks, int fields) {
    return chunks.flatMap(chunk -> new Rows(chunk, fields)).rdd();
  }

  /** The row count a chunk starts with. */
  static long rowsIn(byte[] chunk) {
    return Platform.getInt(chunk, Platform.BYTE_ARRAY_OFFSET);
  }

  private static Iterator<byte[]> pack(Iterator<InternalRow> rows, StructType schema) {
    return new Packer(rows, UnsafeProjection.create(schema));
  }

  /** Fills one chunk at a time, so a partition is never held twice while the store takes it. */
  private static final class Packer implements Iterator<byte[]> {
    /** A chunk starts small and doubles, so a table of a few rows keeps a few bytes. */
    private static final int FIRST_CHUNK_BYTES = 64 << 10;

    private final Iterator<InternalRow> rows;
    private final UnsafeProjection toUnsafe;
    private byte[] chunk = new byte[FIRST_CHUNK_BYTES];
    private int used = Integer.BYTES;
    private int count;

    Packer(Iterator<InternalRow> rows, UnsafeProjection toUnsafe) {
      this.rows = rows;
      this.toUnsafe = toUnsafe;
    }

    @Override
    public boolean hasNext() {
      return count > 0 || rows.hasNext();
    }

    @Override
    public byte[] next() {
      while (rows.hasNext()) {
        InternalRow next = rows.next();
        UnsafeRow row = next instanceof UnsafeRow unsafe ? unsafe : toUnsafe.apply(next);
        int needed = Integer.BYTES + row.getSizeInBytes();
        if (used + needed > chunk.length && chunk.length < CHUNK_BYTES) {
          chunk =
              Arrays.copyOf(
                  chunk, Math.max(Math.min(2 * chunk.length, CHUNK_BYTES), used + needed));
        }
        if (used + needed > chunk.length && count > 0) {
          byte[] full = finished();
          chunk = new byte[Math.max(CHUNK_BYTES, Integer.BYTES + needed)];
          append(row);
          return full;
        }
        if (used + needed > chunk.length) {
          chunk = Arrays.copyOf(chunk, used + needed);
        }
        append(row);
      }
      if (count == 0) {
        throw new NoSuchElementException();
      }
      return finished();
    }

    /** The row's size and bytes, copied now: the row object is the scan's, reused for the next. */
    private void append(UnsafeRow row) {
      int size = row.getSizeInBytes();
      Platform.putInt(chunk, Platform.BYTE_ARRAY_OFFSET + used, size);
      Platform.copyMemory(
          row.getBaseObject(),
          row.getBaseOffset(),
          chunk,
          Platform.BYTE_ARRAY_OFFSET + used + Integer.BYTES,
          size);
      used += Integer.BYTES + size;
      count++;
    }

    /** The chunk cut to what it holds, with its row count in front; the next one starts empty. */
    private byte[] finished() {
      Platform.putInt(chunk, Platform.BYTE_ARRAY_OFFSET, count);
      byte[] done = used == chunk.length ? chunk : Arrays.copyOf(chunk, used);
      used = Integer.BYTES;
      count = 0;
      return done;
    }
  }

  private static final class Rows implements Iterator<InternalRow> {
    private final byte[] chunk;
    private final UnsafeRow row;
    private int remaining;
    private int position = Integer.BYTES;

    Rows(byte[] chunk, int fields) {
      this.chunk = chunk;
      this.row = new UnsafeRow(fields);
      this.remaining = (int) rowsIn(chunk);
    }

    @Override
    public boolean hasNext() {
      return remaining > 0;
    }

    @Override
    public InternalRow next() {
      if (remaining == 0) {
        throw new NoSuchElementException();
      }
      int size = Platform.getInt(chunk, Platform.BYTE_ARRAY_OFFSET + position);
      row.pointTo(chunk, Platform.BYTE_ARRAY_OFFSET + position + Integer.BYTES, size);
      position += Integer.BYTES + size;
      remaining--;
      return row;
    }
  }
}
