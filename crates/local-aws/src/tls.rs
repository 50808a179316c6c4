//! https for local servers, verified as a function verifies S3: a throwaway
//! certificate authority and a certificate for `127.0.0.1` and `localhost`
//! signed by it. A function trusts the authority only when told to, through
//! `SSL_CERT_FILE` (which the functions' root store reads), so the full
//! certificate check of production runs here too.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client has to finish its handshake before the next one is
/// served.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("could not make the local certificates: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("could not configure TLS: {0}")]
    Rustls(#[from] rustls::Error),
    #[error("could not read the root certificates {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not write the local CA to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A certificate authority and the server identity it signed; its
/// certificate is in a file of its own while it lives.
pub struct LocalCa {
    ca_file: PathBuf,
    server: Arc<rustls::ServerConfig>,
}

impl LocalCa {
    /// A new authority (ECDSA P-256, as rcgen makes by default) and a server
    /// certificate for `127.0.0.1` and `localhost`.
    pub fn new() -> Result<Self, TlsError> {
        Self::trusted_with(None)
    }

    /// Like [`LocalCa::new`], with the file holding the certificates of
    /// `system_bundle` (a PEM bundle such as the system's) before the
    /// authority's: a root store the size of production's, for measuring.
    pub fn with_roots_of(system_bundle: &Path) -> Result<Self, TlsError> {
        Self::trusted_with(Some(system_bundle))
    }

    fn trusted_with(system_bundle: Option<&Path>) -> Result<Self, TlsError> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "local-aws test CA");
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate()?)?;

        let server_key = KeyPair::generate()?;
        let mut server_params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])?;
        server_params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        let server_cert = server_params.signed_by(&server_key, &ca)?;

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(vec![server_cert.der().clone(), ca.der().clone()], key)?;
        let ca_file = std::env::temp_dir().join(format!(
            "local-aws-ca-{}-{}.pem",
            std::process::id(),
            crate::sink::random_hex(8)
        ));
        let mut pem = match system_bundle {
            Some(bundle) => std::fs::read_to_string(bundle).map_err(|source| TlsError::Read {
                path: bundle.to_owned(),
                source,
            })?,
            None => String::new(),
        };
        pem.push_str(&ca.pem());
        std::fs::write(&ca_file, pem).map_err(|source| TlsError::Write {
            path: ca_file.clone(),
            source,
        })?;
        Ok(Self {
            ca_file,
            server: Arc::new(server),
        })
    }

    /// The authority's certificate (PEM, after the bundle's with
    /// [`LocalCa::with_roots_of`]), the file to hand to a function as
    /// `SSL_CERT_FILE`.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    /// A listener that serves TLS with this identity on `tcp`.
    pub fn listener(&self, tcp: TcpListener) -> TlsListener {
        TlsListener {
            tcp,
            acceptor: TlsAcceptor::from(Arc::clone(&self.server)),
        }
    }
}

/// Accepts TCP connections and completes their TLS handshake; a connection
/// whose handshake fails (an untrusting client, a stalled one) is dropped
/// and never reaches the server.
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl Drop for LocalCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<tokio::net::TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = axum::serve::Listener::accept(&mut self.tcp).await;
            // As `crate::without_nagle`: TLS writes its records apart.
            let _ = stream.set_nodelay(true);
            let handshake = self.acceptor.accept(stream);
            match tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await {
                Ok(Ok(tls)) => return (tls, addr),
                Ok(Err(error)) => tracing::debug!(%error, "TLS handshake failed"),
                Err(_) => tracing::debug!("TLS handshake timed out"),
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};

    #[tokio::test]
    async fn the_tls_listener_answers_without_nagle() {
        let ca = LocalCa::new().unwrap();
        let tcp = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let mut listener = ca.listener(tcp);
        let ca_file = ca.ca_file().to_owned();
        let client = tokio::spawn(async move {
            let mut roots = rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(&ca_file).unwrap() {
                roots.add(cert.unwrap()).unwrap();
            }
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
            let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
            tokio_rustls::TlsConnector::from(Arc::new(config))
                .connect(ServerName::try_from("localhost").unwrap(), tcp)
                .await
                .unwrap()
        });
        let (accepted, _) = listener.accept().await;
        assert!(accepted.get_ref().0.nodelay().unwrap());
        drop(client.await.unwrap());
    }
}
