//! Where the device's token lives: the platform's secure storage (Android Keystore, iOS
//! Keychain) through this trait; a file for tests and desktop.

use std::path::PathBuf;
use std::sync::Mutex;

/// Secure storage for the device's API token, implemented by the platform.
pub trait TokenStore: Send + Sync {
    /// The stored token, if any.
    fn load(&self) -> Option<String>;
    /// Stores the token, replacing any other.
    fn save(&self, token: &str) -> Result<(), String>;
    /// Forgets the token (sign-out, or the server no longer knows it).
    fn clear(&self);
}

/// A token in a file (mode 0600 on Unix): for tests and desktop builds.
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTokenStore { path: path.into() }
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> Option<String> {
        std::fs::read_to_string(&self.path).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
    }

    fn save(&self, token: &str) -> Result<(), String> {
        use std::io::Write;
        let tmp = self.path.with_extension("tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&tmp).map_err(|e| e.to_string())?;
        f.write_all(token.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, &self.path).map_err(|e| e.to_string())
    }

    fn clear(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A token in memory only.
#[derive(Default)]
pub struct MemoryTokenStore(Mutex<Option<String>>);

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Option<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
    fn save(&self, token: &str) -> Result<(), String> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(token.to_owned());
        Ok(())
    }
    fn clear(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}
