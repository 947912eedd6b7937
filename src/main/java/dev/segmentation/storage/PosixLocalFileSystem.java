package dev.segmentation.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}, checksums included), except that permissions are set
 * through {@code java.nio} instead of a {@code chmod} process.
 *
 * <p>Without Hadoop's native library, which Maven Central does not ship, {@link RawLocalFileSystem}
 * starts one {@code chmod} process for every directory and file it creates: a local {@code train}
 * run writes a few hundred of them for its Parquet tables and models, which took 3.5 of the 7
 * seconds of its write step. Installed for {@code file:} by {@code spark.hadoop.fs.file.impl} in
 * {@code conf/local.conf} and in the tests; other schemes are not affected. java.nio cannot set the
 * sticky bit, so it is dropped; Spark never asks for it.
 *
 * <p>Renaming a file never replaces another, as on HDFS: Hadoop's local file system replaces the
 * target, and Iceberg's Hadoop catalog commits a table by renaming its next metadata file into
 * place once it has checked that no other run did, so two runs committing at the same moment from
 * two processes would both succeed and one commit would be lost.
 */
public final class PosixLocalFileSystem extends LocalFileSystem {

  public PosixLocalFileSystem() {
    super(new Raw());
  }

  static final class Raw extends RawLocalFileSystem {

    /** Bit i of a permission's short form (the octal mode) is BITS[i]. */
    private static final PosixFilePermission[] BITS = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_READ,
    };

    @Override
    public void setPermission(Path path, FsPermission permission) throws IOException {
      java.nio.file.Path file = pathToFile(path).toPath();
      try {
        Files.setPosixFilePermissions(file, modeBits(permission.toShort()));
      } catch (UnsupportedOperationException notPosix) {
        // A volume without POSIX attributes (FAT, some mounts): Hadoop's own way still works there.
        super.setPermission(path, permission);
      }
    }

    /**
     * A file is moved by a hard link to the new name and the removal of the old one, so the move
     * fails when the new name exists, as on HDFS, instead of replacing it; directories, and the
     * checksum files that follow their data files, move as before.
     */
    @Override
    public boolean rename(Path src, Path dst) throws IOException {
      File from = pathToFile(src);
      File to = pathToFile(dst);
      if (!from.isFile() || to.isDirectory() || from.getName().endsWith(".crc")) {
        return super.rename(src, dst);
      }
      try {
        Files.createLink(to.toPath(), from.toPath());
      } catch (FileAlreadyExistsException | NoSuchFileException refused) {
        return false;
      }
      Files.delete(from.toPath());
      return true;
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
