package dev.segmentation.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * Hadoop's local file system ({@code file:}, checksums included), except that permissions are
 * set through {@code java.nio} instead of a {@code chmod} process.
 *
 * <p>Without Hadoop's native library, which Maven Central does not ship, {@link
 * RawLocalFileSystem} starts one {@code chmod} process for every directory and file it creates:
 * a local {@code train} run writes a few hundred of them for its Parquet tables and models,
 * which took 3.5 of the 7 seconds of its write step. Installed for {@code file:} by {@code
 * spark.hadoop.fs.file.impl} in {@code conf/local.conf} and in the tests; other schemes are not
 * affected. java.nio cannot set the sticky bit, so it is dropped; Spark never asks for it.
 *
 * <p>Creating a file that must not exist is also made atomic, as it is on HDFS: Hadoop checks
 * that the file is absent and then opens it, so two creators racing could both succeed, which
 * broke the publisher's manifest lock once in a test run.
 */
public final class PosixLocalFileSystem extends LocalFileSystem {

  public PosixLocalFileSystem() {
    super(new Raw());
  }

  static final class Raw extends RawLocalFileSystem {

    /** Bit i of a permission's short form (the octal mode) is BITS[i]. */
    private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    @Override
    public void setPermission(Path path, FsPermission permission) throws IOException {
      java.nio.file.Path file = pathToFile(path).toPath();
      try {
        Files.setPosixFilePermissions(file, modeBits(permission.toShort()));
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(path, permission);
      }
    }

    @Override
    public FSDataOutputStream create(Path path, boolean overwrite, int bufferSize, short replication,
        long blockSize, Progressable progress) throws IOException {
      claimIfAbsent(path, overwrite);
      return super.create(path, true, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(Path path, FsPermission permission, boolean overwrite, int bufferSize,
        short replication, long blockSize, Progressable progress) throws IOException {
      claimIfAbsent(path, overwrite);
      return super.create(path, permission, true, bufferSize, replication, blockSize, progress);
    }

    /** Without overwrite, only the caller whose O_EXCL create succeeds goes on to write. */
    private void claimIfAbsent(Path path, boolean overwrite) throws IOException {
      if (overwrite) {
        return;
      }
      File file = pathToFile(path);
      if (path.getParent() != null && !file.getParentFile().isDirectory()) {
        mkdirs(path.getParent());
      }
      try {
        Files.createFile(file.toPath());
      } catch (java.nio.file.FileAlreadyExistsException exists) {
        throw new FileAlreadyExistsException("File already exists: " + path);
      }
    }

    static Set<PosixFilePermission> modeBits(short mode) {
      Set<PosixFilePermission> bits = EnumSet.noneOf(PosixFilePermission.class);
      for (int i = 0; i < BITS.length; i++) {
        if ((mode & (1 << i)) != 0) {
          bits.add(BITS[i]);
        }
      }
      return bits;
    }
  }
}
