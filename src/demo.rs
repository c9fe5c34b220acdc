//! `helpdesk demo`: realistic sample data, fast enough for 1,000,000 tickets in minutes
//! (multi-row inserts, one transaction per batch).
//!
//! Demo data is generated, not entered: it bypasses the per-customer open-ticket limit and
//! records no history events, and every demo account shares the password printed at the end.

use std::time::Instant;

use rand::rngs::SmallRng;
use rand::seq::IndexedRandom;
use rand::{Rng, RngCore, SeedableRng};
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection};

use crate::auth::password;
use crate::clock::now_ms;
use crate::i18n::Lang;
use crate::tickets::Status;

pub const DEMO_PASSWORD: &str = "demo-password";
const BATCH: u64 = 5_000;
const TICKET_COLUMNS: usize = 12;
const MESSAGE_COLUMNS: usize = 7;
/// Parameters per multi-row INSERT: far below what the SQLite driver accepts in one statement.
const MAX_PARAMS: usize = 9_000;

const FIRST: &[&str] = &[
    "Ana", "Ben", "Chen", "Dana", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kofi",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Victor",
    "Wen", "Yara", "Zoe",
];
const LAST: &[&str] = &[
    "Almeida", "Becker", "Castro", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova",
    "Jensen", "Kim", "López", "Müller", "Nakamura", "Okafor", "Petrov", "Rossi", "Singh", "Tanaka",
    "Weber",
];
const TAGS: &[&str] = &[
    "api",
    "authentication",
    "biometric",
    "invoice",
    "refund",
    "login",
    "password",
    "sso",
    "webhook",
    "latency",
    "timeout",
    "mobile",
    "android",
    "ios",
    "export",
    "import",
    "csv",
    "billing-cycle",
    "upgrade",
    "downgrade",
    "bug",
    "urgent-customer",
    "documentation",
    "onboarding",
    "integration",
    "sdk",
    "rate-limit",
    "dashboard",
    "email",
    "security",
];
/// One kind of ticket, with a thread that fits its title: what the customer writes first,
/// what support answers, what the customer says back and an internal note.
struct Story {
    title: &'static str,
    /// The category's slug (a seeded one; any active category if it is gone).
    category: &'static str,
    problem: &'static str,
    agent: &'static [&'static str],
    customer: &'static [&'static str],
    note: &'static str,
}

const STORIES: &[Story] = &[
    Story {
        title: "Cannot log in after password reset",
        category: "account",
        problem: "I reset my password and now the login page says the password is wrong, even with the new one.",
        agent: &[
            "Sorry about that. Could you tell me the time of the reset and the browser you use?",
            "The reset link had been used twice, which locked the account. I unlocked it: please try again.",
        ],
        customer: &[
            "It was around 9:15 this morning, in Firefox.",
            "I can log in again, thank you!",
        ],
        note: "Account was locked by the second use of the reset link.",
    },
    Story {
        title: "API returns 401 for a valid token",
        category: "integration",
        problem: "requests to the validation endpoint fail with a 401 error even though the key is valid.",
        agent: &[
            "Could you send us the request id and the time it happened (with time zone)?",
            "The key was issued for the sandbox; production needs its own key. I have created one for you.",
        ],
        customer: &[
            "Here is the request id: 7f3a-19c2. It happened around 10:40 UTC.",
            "With the production key every request passes. Thanks!",
        ],
        note: "Sandbox key used against production.",
    },
    Story {
        title: "Invoice shows the wrong amount",
        category: "billing",
        problem: "the invoice for this month lists a plan we cancelled in the spring.",
        agent: &[
            "Thanks for the details. I am checking this invoice against the billing history of your account.",
            "The old plan was not removed at cancellation. I have issued a corrected invoice.",
        ],
        customer: &[
            "Our plan number is in the attached statement, if that helps.",
            "The corrected invoice is right, thank you.",
        ],
        note: "Cancellation in April did not reach billing.",
    },
    Story {
        title: "Webhook deliveries are delayed",
        category: "integration",
        problem: "our webhook receives events up to twenty minutes late.",
        agent: &[
            "We see a retry queue building up for your endpoint: it answers after more than 10 seconds.",
            "Answering with 200 first and processing afterwards will keep deliveries on time.",
        ],
        customer: &[
            "Our endpoint does the processing before answering, that explains it.",
            "After the change events arrive within seconds. Thanks!",
        ],
        note: "Customer endpoint slow; no incident on our side.",
    },
    Story {
        title: "Export to CSV times out",
        category: "technical",
        problem: "the CSV export stops halfway and the file is empty.",
        agent: &[
            "How many rows does the export cover? Large exports run in the background.",
            "We found a timeout in the export of more than 100,000 rows and deployed a fix.",
        ],
        customer: &[
            "About 250,000 rows, the whole of last year.",
            "The full export finished this time, thank you.",
        ],
        note: "Reproduced on staging with 120k rows.",
    },
    Story {
        title: "Feature request: dark mode for the dashboard",
        category: "feature_request",
        problem: "our team works nights and would love a dark mode for the dashboard.",
        agent: &[
            "Thanks for the suggestion! I have added your vote to the dark mode request.",
            "Dark mode is planned for the next release; we will let you know here.",
        ],
        customer: &["Great, looking forward to it.", "Thanks for the update!"],
        note: "Linked to the roadmap item for themes.",
    },
    Story {
        title: "Charged twice this month",
        category: "billing",
        problem: "our card was charged twice for the same monthly invoice.",
        agent: &[
            "I can see both charges. I have asked billing to refund the second one.",
            "The duplicate charge was refunded; it can take 3 to 5 business days to appear.",
        ],
        customer: &[
            "Thank you. Will it show on the same card?",
            "The refund arrived today. All good.",
        ],
        note: "Billing confirmed the double charge; refund issued.",
    },
    Story {
        title: "How do I rotate my API keys?",
        category: "integration",
        problem: "we need to rotate our API keys every 90 days and cannot find how.",
        agent: &[
            "Under Settings, API keys, create a second key, switch your services to it, then revoke the old one.",
            "Both keys work at the same time, so the switch needs no downtime.",
        ],
        customer: &[
            "Found it. Can both keys be active at once?",
            "Perfect, that is what we needed.",
        ],
        note: "Consider a documentation page on key rotation.",
    },
    Story {
        title: "Mobile app crashes on start",
        category: "technical",
        problem: "the mobile app closes right after the splash screen on Android 14.",
        agent: &[
            "Which version of the app is installed? You can see it in the store page.",
            "Version 4.2.1 fixes the crash on Android 14 and is rolling out now.",
        ],
        customer: &[
            "It is version 4.2.0 from the Play Store.",
            "After the update the app starts fine.",
        ],
        note: "Known crash on Android 14, fixed in 4.2.1.",
    },
    Story {
        title: "SSO login loops back to the sign-in page",
        category: "account",
        problem: "the login page keeps redirecting to itself after the single sign-on step.",
        agent: &[
            "Could you check that the redirect URL in your identity provider ends with /sso/callback?",
            "The callback URL had a trailing space. After removing it the loop should stop.",
        ],
        customer: &[
            "It ends with /sso/callback, as far as I can see.",
            "Removing the space fixed it. Thanks!",
        ],
        note: "Misconfigured callback URL at the customer's IdP.",
    },
    Story {
        title: "Enrollment photos rejected as blurry",
        category: "smartEnroll",
        problem: "photos taken in good light are rejected as blurry.",
        agent: &[
            "Could you attach one of the rejected photos? We will check it against the quality rules.",
            "The photos are compressed by the upload form; sending the original file passes the check.",
        ],
        customer: &[
            "Attached one that was rejected this morning.",
            "With the original files every photo is accepted.",
        ],
        note: "Client-side compression lowers the sharpness score.",
    },
    Story {
        title: "Access logs missing for yesterday",
        category: "smartAccess",
        problem: "the dashboard shows no access logs for yesterday at all.",
        agent: &[
            "There was a delay in processing yesterday's logs; they are being imported now.",
            "Yesterday's logs are complete again. Sorry for the trouble.",
        ],
        customer: &[
            "Thanks, we need them for an audit this week.",
            "I can see them now, thank you.",
        ],
        note: "Log import job stalled for six hours.",
    },
];
/// The same stories in Spanish (`helpdesk demo --language es`).
const STORIES_ES: &[Story] = &[
    Story {
        title: "No puedo entrar después de restablecer la contraseña",
        category: "account",
        problem: "Restablecí mi contraseña y ahora la página de acceso dice que es incorrecta, incluso con la nueva.",
        agent: &[
            "Lo sentimos. ¿Nos puede decir a qué hora la restableció y qué navegador usa?",
            "El enlace de restablecimiento se usó dos veces y bloqueó la cuenta. Ya la desbloqueé: inténtelo de nuevo.",
        ],
        customer: &[
            "Fue hacia las 9:15 de esta mañana, con Firefox.",
            "Ya puedo entrar, ¡gracias!",
        ],
        note: "La cuenta se bloqueó con el segundo uso del enlace.",
    },
    Story {
        title: "La API devuelve 401 con un token válido",
        category: "integration",
        problem: "las peticiones al punto de validación fallan con un error 401 aunque la clave es válida.",
        agent: &[
            "¿Nos puede enviar el identificador de la petición y la hora (con la zona horaria)?",
            "La clave se emitió para el entorno de pruebas; producción necesita la suya. Ya le he creado una.",
        ],
        customer: &[
            "El identificador es 7f3a-19c2. Ocurrió hacia las 10:40 UTC.",
            "Con la clave de producción todas las peticiones pasan. ¡Gracias!",
        ],
        note: "Clave de pruebas usada contra producción.",
    },
    Story {
        title: "La factura muestra un importe incorrecto",
        category: "billing",
        problem: "la factura de este mes incluye un plan que cancelamos en primavera.",
        agent: &[
            "Gracias por los detalles. Estoy revisando esta factura con el historial de facturación de su cuenta.",
            "El plan antiguo no se quitó al cancelarlo. Le he emitido una factura corregida.",
        ],
        customer: &[
            "El número de nuestro plan está en el extracto adjunto, por si ayuda.",
            "La factura corregida está bien, gracias.",
        ],
        note: "La cancelación de abril no llegó a facturación.",
    },
    Story {
        title: "Los webhooks llegan con retraso",
        category: "integration",
        problem: "nuestro webhook recibe los eventos hasta veinte minutos tarde.",
        agent: &[
            "Vemos una cola de reintentos para su punto de acceso: responde después de más de 10 segundos.",
            "Si responde primero con 200 y procesa después, las entregas llegarán a tiempo.",
        ],
        customer: &[
            "Nuestro punto de acceso procesa antes de responder, eso lo explica.",
            "Tras el cambio, los eventos llegan en segundos. ¡Gracias!",
        ],
        note: "Punto de acceso del cliente lento; ninguna incidencia por nuestra parte.",
    },
    Story {
        title: "La exportación a CSV se queda a medias",
        category: "technical",
        problem: "la exportación a CSV se detiene a la mitad y el archivo queda vacío.",
        agent: &[
            "¿Cuántas filas abarca la exportación? Las grandes se ejecutan en segundo plano.",
            "Encontramos un límite de tiempo en las exportaciones de más de 100.000 filas y ya está corregido.",
        ],
        customer: &[
            "Unas 250.000 filas, todo el año pasado.",
            "Esta vez la exportación completa terminó, gracias.",
        ],
        note: "Reproducido en preproducción con 120.000 filas.",
    },
    Story {
        title: "Petición: modo oscuro para el panel",
        category: "feature_request",
        problem: "nuestro equipo trabaja de noche y le encantaría un modo oscuro para el panel.",
        agent: &[
            "¡Gracias por la sugerencia! He sumado su voto a la petición del modo oscuro.",
            "El modo oscuro está previsto para la próxima versión; le avisaremos aquí.",
        ],
        customer: &["Estupendo, lo esperamos.", "¡Gracias por la novedad!"],
        note: "Vinculado al elemento de la hoja de ruta sobre temas.",
    },
    Story {
        title: "Nos han cobrado dos veces este mes",
        category: "billing",
        problem: "nos han cobrado dos veces en la tarjeta la misma factura mensual.",
        agent: &[
            "Veo los dos cargos. He pedido a facturación que devuelva el segundo.",
            "Se devolvió el cargo duplicado; puede tardar de 3 a 5 días hábiles en aparecer.",
        ],
        customer: &[
            "Gracias. ¿Aparecerá en la misma tarjeta?",
            "Hoy ha llegado la devolución. Todo bien.",
        ],
        note: "Facturación confirmó el cargo doble; devolución emitida.",
    },
    Story {
        title: "¿Cómo cambio mis claves de la API?",
        category: "integration",
        problem: "tenemos que cambiar nuestras claves de la API cada 90 días y no encontramos cómo.",
        agent: &[
            "En Ajustes, Claves de la API, cree una segunda clave, pase sus servicios a ella y revoque la antigua.",
            "Las dos claves funcionan a la vez, así que el cambio no necesita cortes.",
        ],
        customer: &[
            "Encontrado. ¿Pueden estar activas las dos claves a la vez?",
            "Perfecto, es justo lo que necesitábamos.",
        ],
        note: "Conviene una página de documentación sobre el cambio de claves.",
    },
    Story {
        title: "La aplicación móvil se cierra al abrirla",
        category: "technical",
        problem: "la aplicación móvil se cierra justo después de la pantalla de inicio en Android 14.",
        agent: &[
            "¿Qué versión de la aplicación tiene instalada? La puede ver en la página de la tienda.",
            "La versión 4.2.1 corrige el cierre en Android 14 y se está publicando ahora.",
        ],
        customer: &[
            "Es la versión 4.2.0 de Play Store.",
            "Tras actualizar, la aplicación se abre bien.",
        ],
        note: "Cierre conocido en Android 14, corregido en la 4.2.1.",
    },
    Story {
        title: "El acceso único vuelve a la página de inicio de sesión",
        category: "account",
        problem: "la página de acceso se redirige a sí misma después del paso de acceso único.",
        agent: &[
            "¿Puede comprobar que la dirección de retorno en su proveedor de identidad termina en /sso/callback?",
            "La dirección de retorno tenía un espacio al final. Al quitarlo, el bucle debería parar.",
        ],
        customer: &[
            "Termina en /sso/callback, por lo que veo.",
            "Quitar el espacio lo ha arreglado. ¡Gracias!",
        ],
        note: "Dirección de retorno mal configurada en el proveedor del cliente.",
    },
    Story {
        title: "Las fotos de alta se rechazan por borrosas",
        category: "smartEnroll",
        problem: "las fotos hechas con buena luz se rechazan por borrosas.",
        agent: &[
            "¿Puede adjuntar una de las fotos rechazadas? La revisaremos con las reglas de calidad.",
            "El formulario comprime las fotos al subirlas; si envía el archivo original, pasa la revisión.",
        ],
        customer: &[
            "Adjunto una que se rechazó esta mañana.",
            "Con los archivos originales se aceptan todas las fotos.",
        ],
        note: "La compresión en el cliente baja la nitidez.",
    },
    Story {
        title: "Faltan los registros de acceso de ayer",
        category: "smartAccess",
        problem: "el panel no muestra ningún registro de acceso de ayer.",
        agent: &[
            "Hubo un retraso al procesar los registros de ayer; se están importando ahora.",
            "Los registros de ayer ya están completos. Disculpe las molestias.",
        ],
        customer: &[
            "Gracias, los necesitamos para una auditoría esta semana.",
            "Ya los veo, gracias.",
        ],
        note: "La importación de registros estuvo parada seis horas.",
    },
];
const OPENERS_ES: &[&str] = &[
    "Hola, desde esta mañana",
    "Hola, equipo: hemos visto que",
    "Buenas tardes. Después de la última actualización",
    "Hola, uno de nuestros usuarios dice que",
    "Hola, soporte: desde hace dos días",
];
const CLOSERS_ES: &[&str] = &[
    "¿Pueden revisarlo? ¡Gracias!",
    "Nos está bloqueando el trabajo, ¿qué nos aconsejan?",
    "Avísennos si necesitan registros.",
    "Gracias de antemano.",
];
/// The seeded categories' names and descriptions in Spanish (a Spanish demo renames them
/// while they still have their seeded English names).
const CATEGORIES_ES: &[(&str, &str, &str, &str)] = &[
    ("technical", "Technical", "Técnica", "Problemas técnicos"),
    ("billing", "Billing", "Facturación", "Facturas y pagos"),
    ("account", "Account", "Cuenta", "Asuntos de la cuenta"),
    (
        "feature_request",
        "Feature request",
        "Petición de funciones",
        "Ideas y peticiones",
    ),
    ("general", "General", "General", "Consultas generales"),
    (
        "integration",
        "Integration",
        "Integración",
        "Problemas de integración con la API",
    ),
    (
        "smartCheck",
        "SmartCheck",
        "SmartCheck",
        "Incidencias del servicio SmartCheck",
    ),
    (
        "smartScan",
        "SmartScan",
        "SmartScan",
        "Incidencias del servicio SmartScan",
    ),
    (
        "smartEnroll",
        "SmartEnroll",
        "SmartEnroll",
        "Incidencias del servicio SmartEnroll",
    ),
    (
        "smartAccess",
        "SmartAccess",
        "SmartAccess",
        "Incidencias del servicio SmartAccess",
    ),
    ("other", "Other", "Otros", "Otras consultas"),
];

const OPENERS: &[&str] = &[
    "Hello, since this morning",
    "Hi team, we noticed that",
    "Good afternoon. After the last update",
    "Hi, one of our users reports that",
    "Hello support, for the past two days",
];
const CLOSERS: &[&str] = &[
    "Could you take a look? Thanks!",
    "This is blocking our work, please advise.",
    "Let me know if you need logs.",
    "Thank you in advance.",
];

/// Fills the database with `tickets` tickets and everything around them.
/// It writes on a connection of its own, outside the server's writer: it runs alone, from
/// the command line, in large transactions.
pub async fn run(url: &str, tickets: u64, lang: Lang) -> anyhow::Result<()> {
    let (stories, openers, closers) = match lang {
        Lang::En => (STORIES, OPENERS, CLOSERS),
        Lang::Es => (STORIES_ES, OPENERS_ES, CLOSERS_ES),
    };
    let started = Instant::now();
    let mut rng = SmallRng::from_rng(&mut rand::rng());
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let customers = (tickets / 50).clamp(20, 20_000);
    let mut conn = crate::db::open_connection(url).await?;
    let (agent_ids, customer_ids) = ensure_users(&mut conn, &hash, customers, &mut rng).await?;
    let tag_ids = ensure_tags(&mut conn).await?;
    if lang == Lang::Es {
        speak_spanish(&mut conn).await?;
    }
    let categories: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, slug FROM categories WHERE active = 1")
            .fetch_all(&mut conn)
            .await?;
    eprintln!(
        "demo: {} customers, {} agents, {} tags; creating {tickets} tickets",
        customer_ids.len(),
        agent_ids.len(),
        tag_ids.len()
    );

    // A large page cache: index pages stay in memory while millions of rows go in.
    let cache: i64 = sqlx::query_scalar("PRAGMA cache_size")
        .fetch_one(&mut conn)
        .await?;
    sqlx::query("PRAGMA cache_size = -1000000")
        .execute(&mut conn)
        .await?;
    let now = now_ms();
    let two_years = 2 * 365 * 24 * 3600 * 1000_i64;
    let mut progress = Progress::new(tickets);
    let mut done = 0;
    while done < tickets {
        let n = BATCH.min(tickets - done);
        let mut tx = Connection::begin_with(&mut conn, "BEGIN IMMEDIATE").await?;
        let first_number = sqlx::query_scalar!(
            "UPDATE counters SET value = value + ? WHERE name = 'ticket_number' RETURNING value",
            n as i64
        )
        .fetch_one(&mut *tx)
        .await?
            - n as i64
            + 1;
        let first_id: i64 =
            sqlx::query_scalar!(r#"SELECT COALESCE(MAX(id), 0) + 1 AS "n!: i64" FROM tickets"#)
                .fetch_one(&mut *tx)
                .await?;
        let first_message: i64 =
            sqlx::query_scalar!(r#"SELECT COALESCE(MAX(id), 0) + 1 AS "n!: i64" FROM messages"#)
                .fetch_one(&mut *tx)
                .await?;

        let mut ticket_rows = Vec::with_capacity(n as usize);
        let mut message_rows = Vec::with_capacity(n as usize * 5);
        let mut tag_rows = Vec::new();
        let mut files = Vec::new();
        let mut message_id = first_message;
        for i in 0..n as i64 {
            let id = first_id + i;
            let client = *customer_ids.choose(&mut rng).unwrap_or(&1);
            let created = now - rng.random_range(0..two_years);
            let status = pick_status(&mut rng);
            let assignee = (status != Status::Open || rng.random_bool(0.3))
                .then(|| *agent_ids.choose(&mut rng).unwrap_or(&1));
            let replies = rng.random_range(1..=7);
            let mut at = created;
            let story = &stories[rng.random_range(0..stories.len())];
            // A problem written as a whole sentence opens on its own.
            let description = if story.problem.starts_with(char::is_uppercase) {
                format!(
                    "{} {}",
                    story.problem,
                    closers.choose(&mut rng).unwrap_or(&"")
                )
            } else {
                format!(
                    "{} {} {}",
                    openers.choose(&mut rng).unwrap_or(&""),
                    story.problem,
                    closers.choose(&mut rng).unwrap_or(&"")
                )
            };
            message_rows.push(MessageRow::new(
                &mut rng,
                message_id,
                id,
                client,
                description,
                false,
                at,
                true,
            ));
            if i % 1000 == 0 {
                files.push((id, message_id, client));
            }
            message_id += 1;
            for r in 0..replies {
                // Replies follow within a day each, but never after now (a reply in the
                // future would sit on top of the queue).
                at = (at + rng.random_range(60_000..86_400_000)).min(now);
                let staff = r % 2 == 0;
                let internal = staff && rng.random_bool(0.08);
                let author = if staff {
                    assignee.unwrap_or(agent_ids[0])
                } else {
                    client
                };
                // The thread goes forward: each side's lines in order, the last one again
                // if the thread is longer.
                let turn = (r / 2) as usize;
                let body = if internal {
                    story.note
                } else if staff {
                    story.agent[turn.min(story.agent.len() - 1)]
                } else {
                    story.customer[turn.min(story.customer.len() - 1)]
                };
                let seen = internal || r + 1 < replies || rng.random_bool(0.5);
                message_rows.push(MessageRow::new(
                    &mut rng,
                    message_id,
                    id,
                    author,
                    body.to_owned(),
                    internal,
                    at,
                    seen,
                ));
                message_id += 1;
            }
            let mut chosen = Vec::new();
            for _ in 0..rng.random_range(0..=3) {
                let tag = *tag_ids.choose(&mut rng).unwrap_or(&1);
                if !chosen.contains(&tag) {
                    chosen.push(tag);
                    tag_rows.push((id, tag));
                }
            }
            ticket_rows.push(TicketRow {
                id,
                public_id: hex_id(&mut rng),
                number: first_number + i,
                title: story.title.to_owned(),
                status,
                priority: ["low", "medium", "medium", "high", "urgent"][rng.random_range(0..5)],
                category: categories
                    .iter()
                    .find(|(_, slug)| slug == story.category)
                    .or_else(|| categories.choose(&mut rng))
                    .map_or(1, |(id, _)| *id),
                client,
                assignee,
                created,
                updated: at,
                resolved: status.is_finished().then_some(at),
            });
        }

        for chunk in ticket_rows.chunks(MAX_PARAMS / TICKET_COLUMNS) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO tickets (id, public_id, number, title, status, priority, category_id,
                                      client_id, assignee_id, created_at, updated_at, resolved_at) ",
            );
            q.push_values(chunk, |mut b, t| {
                b.push_bind(t.id)
                    .push_bind(&t.public_id)
                    .push_bind(t.number)
                    .push_bind(&t.title)
                    .push_bind(t.status.as_str())
                    .push_bind(t.priority)
                    .push_bind(t.category)
                    .push_bind(t.client)
                    .push_bind(t.assignee)
                    .push_bind(t.created)
                    .push_bind(t.updated)
                    .push_bind(t.resolved);
            });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in message_rows.chunks(MAX_PARAMS / MESSAGE_COLUMNS) {
            let mut q = QueryBuilder::<Sqlite>::new(
                "INSERT INTO messages (id, public_id, ticket_id, author_id, body, internal, created_at,
                                       seen_at) ",
            );
            q.push_values(chunk, |mut b, m| {
                b.push_bind(m.id)
                    .push_bind(&m.public_id)
                    .push_bind(m.ticket)
                    .push_bind(m.author)
                    .push_bind(&m.body)
                    .push_bind(m.internal)
                    .push_bind(m.created)
                    .push_bind(m.seen);
            });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in tag_rows.chunks(MAX_PARAMS / 2) {
            let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO ticket_tags (ticket_id, tag_id) ");
            q.push_values(chunk, |mut b, (t, g)| {
                b.push_bind(t).push_bind(g);
            });
            q.build().execute(&mut *tx).await?;
        }
        for (ticket, message, uploader) in files {
            let data = format!(
                "2026-11-01T10:40:12Z ERROR request failed: 401 Unauthorized (ticket {ticket})\n"
            )
            .repeat(20)
            .into_bytes();
            let digest = crate::secure::sha256_hex(&data);
            let pid = hex_id(&mut rng);
            let size = data.len() as i64;
            sqlx::query!(
                "INSERT INTO attachments (public_id, ticket_id, message_id, uploader_id, filename,
                                          content_type, size, sha256, data, created_at)
                 VALUES (?, ?, ?, ?, 'error_logs.txt', 'text/plain', ?, ?, ?, ?)",
                pid,
                ticket,
                message,
                uploader,
                size,
                digest,
                data,
                now
            )
            .execute(&mut *tx)
            .await?;
        }
        sqlx::raw_sql(crate::db::INDEX_PENDING)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        done += n;
        progress.show(done, started.elapsed());
    }
    progress.finish();
    let restore = format!("PRAGMA cache_size = {cache}");
    sqlx::query(sqlx::AssertSqlSafe(restore))
        .execute(&mut conn)
        .await?;
    // A bulk load leaves the full-text index in many segments; merging them into one
    // makes a search of common words several times cheaper.
    eprintln!("demo: merging the search index...");
    sqlx::query("INSERT INTO search (search) VALUES ('optimize')")
        .execute(&mut conn)
        .await?;
    sqlx::query("ANALYZE").execute(&mut conn).await?;
    conn.close().await?;
    eprintln!(
        "demo: done in {:.1}s. Log in as admin@example.com, agent1@example.com or customer1@example.com with the password {DEMO_PASSWORD:?}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

struct TicketRow {
    id: i64,
    public_id: String,
    number: i64,
    title: String,
    status: Status,
    priority: &'static str,
    category: i64,
    client: i64,
    assignee: Option<i64>,
    created: i64,
    updated: i64,
    resolved: Option<i64>,
}

struct MessageRow {
    id: i64,
    public_id: String,
    ticket: i64,
    author: i64,
    body: String,
    internal: bool,
    created: i64,
    seen: Option<i64>,
}

impl MessageRow {
    #[allow(clippy::too_many_arguments)]
    fn new(
        rng: &mut SmallRng,
        id: i64,
        ticket: i64,
        author: i64,
        body: String,
        internal: bool,
        created: i64,
        seen: bool,
    ) -> Self {
        let public_id = hex_id(rng);
        Self {
            id,
            public_id,
            ticket,
            author,
            body,
            internal,
            created,
            seen: seen.then_some(created + 60_000),
        }
    }
}

fn hex_id(rng: &mut SmallRng) -> String {
    let mut bytes = [0u8; 8];
    rng.fill_bytes(&mut bytes);
    crate::secure::object_id(&bytes)
}

fn pick_status(rng: &mut SmallRng) -> Status {
    match rng.random_range(0..100) {
        0..20 => Status::Open,
        20..30 => Status::Pending,
        30..45 => Status::InProgress,
        45..70 => Status::Resolved,
        70..95 => Status::Closed,
        _ => Status::Cancelled,
    }
}

/// A Spanish demo: the seeded categories (while they keep their seeded English names)
/// and the demo accounts in Spanish.
async fn speak_spanish(conn: &mut SqliteConnection) -> anyhow::Result<()> {
    let mut tx = Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    for (slug, english, name, description) in CATEGORIES_ES {
        sqlx::query("UPDATE categories SET name = ?, description = ? WHERE slug = ? AND name = ?")
            .bind(name)
            .bind(description)
            .bind(slug)
            .bind(english)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE users SET language = 'es' WHERE email LIKE '%@example.com'")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates (once) the demo admin, agents and customers; returns agent and customer ids.
async fn ensure_users(
    conn: &mut SqliteConnection,
    hash: &str,
    customers: u64,
    rng: &mut SmallRng,
) -> anyhow::Result<(Vec<i64>, Vec<i64>)> {
    let now = now_ms();
    let mut people: Vec<(String, String, &str)> =
        vec![("admin@example.com".into(), "Avery Admin".into(), "admin")];
    for i in 1..=8 {
        people.push((
            format!("agent{i}@example.com"),
            format!("{} (Support)", name(rng)),
            "agent",
        ));
    }
    for i in 1..=customers {
        people.push((format!("customer{i}@example.com"), name(rng), "customer"));
    }
    let mut tx = Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    for chunk in people.chunks(MAX_PARAMS / 7) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO users (public_id, email, name, role, password_hash, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut b, (email, name, role)| {
            b.push_bind(hex_id(rng))
                .push_bind(email)
                .push_bind(name)
                .push_bind(*role)
                .push_bind(hash)
                .push_bind(now)
                .push_bind(now);
        });
        q.build().execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let agents = sqlx::query_scalar!(
        "SELECT id FROM users WHERE role IN ('agent', 'admin') AND email LIKE '%@example.com'"
    )
    .fetch_all(&mut *conn)
    .await?;
    let customers = sqlx::query_scalar!(
        "SELECT id FROM users WHERE role = 'customer' AND email LIKE 'customer%@example.com'"
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok((agents, customers))
}

fn name(rng: &mut SmallRng) -> String {
    format!(
        "{} {}",
        FIRST.choose(rng).unwrap_or(&"Sam"),
        LAST.choose(rng).unwrap_or(&"Doe")
    )
}

async fn ensure_tags(conn: &mut SqliteConnection) -> anyhow::Result<Vec<i64>> {
    for tag in TAGS {
        sqlx::query!(
            "INSERT OR IGNORE INTO tags (name, keyword) VALUES (?, ?)",
            tag,
            tag
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(sqlx::query_scalar!(r#"SELECT id AS "id!" FROM tags"#)
        .fetch_all(&mut *conn)
        .await?)
}

/// The demo's progress on stderr: a bar redrawn in place on a terminal, a line every tenth
/// otherwise (logs), each with the rate and an estimate of the time left.
struct Progress {
    total: u64,
    tty: bool,
    last_tenth: u64,
}

impl Progress {
    fn new(total: u64) -> Self {
        use std::io::IsTerminal;
        Progress {
            total,
            tty: std::io::stderr().is_terminal(),
            last_tenth: 0,
        }
    }

    fn line(&self, done: u64, elapsed: std::time::Duration) -> String {
        let total = self.total.max(1);
        let rate = done as f64 / elapsed.as_secs_f64().max(0.001);
        let left = (total.saturating_sub(done)) as f64 / rate.max(1.0);
        let width = 30;
        let filled = (done * width / total) as usize;
        let bar: String = "#".repeat(filled) + &".".repeat(width as usize - filled);
        let eta = if left >= 90.0 {
            format!("about {:.0} min left", left / 60.0)
        } else {
            format!("about {left:.0} s left")
        };
        format!(
            "demo: [{bar}] {:>3}% {}/{} tickets, {} a second, {eta}",
            done * 100 / total,
            crate::words::grouped(done as i64),
            crate::words::grouped(total as i64),
            crate::words::grouped(rate as i64),
        )
    }

    fn show(&mut self, done: u64, elapsed: std::time::Duration) {
        if self.tty {
            eprint!("\r{}", self.line(done, elapsed));
        } else {
            let tenth = done * 10 / self.total.max(1);
            if tenth > self.last_tenth {
                self.last_tenth = tenth;
                eprintln!("{}", self.line(done, elapsed));
            }
        }
    }

    fn finish(&self) {
        if self.tty {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod progress_tests {
    #[test]
    fn the_progress_line_has_a_bar_and_an_estimate() {
        let p = super::Progress {
            total: 1000,
            tty: false,
            last_tenth: 0,
        };
        let line = p.line(250, std::time::Duration::from_secs(10));
        assert_eq!(
            line,
            "demo: [#######.......................]  25% 250/1,000 tickets, 25 a second, about 30 s left"
        );
    }
}
