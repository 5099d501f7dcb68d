import ArchiveIO
