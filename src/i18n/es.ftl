## The layout

site-name = Helpdesk
skip-to-content = Ir al contenido
nav-main = Principal
nav-all-tickets = Todos los tickets
nav-my-tickets = Mis tickets
nav-new-ticket = Nuevo ticket
nav-saved-replies = Respuestas guardadas
nav-admin = Administración
nav-account = Cuenta
nav-log-out = Cerrar sesión
nav-log-in = Iniciar sesión
nav-sign-up = Registrarse

## Logging in, signing up, passwords

login-title = Iniciar sesión
login-first-run = Este centro de ayuda aún no tiene administrador. El servidor mostró un enlace de configuración (/setup?token=...) al arrancar: ábralo para crear la primera cuenta de administrador. Reinicie el servidor para obtener un enlace nuevo.
login-draft = Su sesión ha terminado. Inicie sesión para continuar: lo que escribió se conserva.
login-draft-files = Su sesión ha terminado. Inicie sesión para continuar: lo que escribió se conserva (adjunte de nuevo sus archivos después).
field-email = Correo electrónico
field-password = Contraseña
field-name = Nombre
login-button = Iniciar sesión
login-forgot = ¿Olvidó su contraseña?
login-no-account = ¿Aún no tiene cuenta?
login-sign-up = Regístrese
signup-title = Cree su cuenta
form-correct-below = Corrija los campos marcados abajo.
password-hint = Al menos 8 caracteres.
signup-button = Registrarse
signup-have-account = ¿Ya tiene cuenta?
signup-log-in = Inicie sesión
forgot-title = ¿Olvidó su contraseña?
forgot-no-mail = Aquí las contraseñas no se pueden restablecer por correo. Pida a un administrador que le asigne una nueva.
forgot-sent = Si existe una cuenta para { $address }, le hemos enviado un enlace para elegir una contraseña nueva. El enlace funciona una vez, durante una hora.
forgot-back = Volver a iniciar sesión
forgot-intro = Escriba el correo electrónico de su cuenta y le enviaremos un enlace para elegir una contraseña nueva.
forgot-button = Enviarme un enlace
reset-title = Elija una contraseña nueva
reset-invalid = Este enlace ya no es válido: ya se usó, tiene más de una hora o está mal escrito.
reset-ask-again = Pedir un enlace nuevo
field-new-password = Contraseña nueva
field-new-password-again = Repita la contraseña nueva
reset-button = Guardar la contraseña nueva
setup-title = Crear el primer administrador
setup-intro = Este enlace de un solo uso crea la cuenta de administrador de este centro de ayuda.
setup-button = Crear la cuenta de administrador
signup-link-invalid-title = Este enlace ya no es válido
signup-link-invalid = Ya se usó, tiene más de un día o está mal escrito.
signup-link-log-in = Inicie sesión
signup-link-or = o
signup-link-again = regístrese de nuevo
signup-confirm-title = Confirme su cuenta
signup-confirm-button = Confirmar mi cuenta
signup-sent-title = Revise su correo
signup-sent = Hemos enviado un mensaje a { $email }. Siga el enlace que contiene para terminar el registro; funciona durante un día.

## Names

status-open = Abierto
status-pending = Pendiente
status-in-progress = En curso
status-resolved = Resuelto
status-closed = Cerrado
status-cancelled = Cancelado
priority-low = Baja
priority-medium = Media
priority-high = Alta
priority-urgent = Urgente
role-customer = Cliente
role-agent = Agente
role-admin = Administrador

## Form fields and their problems

field-name-title = título
field-name-subject = asunto
field-name-description = descripción
field-name-message = mensaje
field-name-priority = prioridad
field-name-category = categoría
field-name-tags = etiquetas
field-name-attachments = adjuntos
field-name-status = estado
field-name-assignee = responsable
field-name-issue-url = URL de la incidencia
field-name-resolution = resolución
problem-required = Este campo es obligatorio.
problem-too-long = Debe tener como máximo { $max } caracteres.
problem-invalid = Elija un valor válido de { $field }.
problem-too-many = Se permiten como máximo { $max } ({ $field }).
problem-file-too-big = { $filename } es demasiado grande: cada archivo puede ocupar como máximo 2 MiB.
problem-unknown = Hace referencia a un valor de { $field } que no existe.
problem-taken = Ya hay otro elemento con este valor de { $field }.
problem-nul = No puede contener caracteres NUL.

## Times

time-just-now = ahora mismo
time-minutes-ago = { $n ->
    [one] hace 1 minuto
   *[other] hace { $n } minutos
}
time-hours-ago = { $n ->
    [one] hace 1 hora
   *[other] hace { $n } horas
}
time-yesterday = ayer
time-days-ago = hace { $n } días

## Ticket lists

list-title-staff = Cola de tickets
list-title-customer = Mis tickets
list-new-ticket = Nuevo ticket
list-search-and-filters = Búsqueda y filtros
list-status-tabs = Filtrar por estado
list-all = Todos
list-search = Buscar
list-search-placeholder = Palabras o un número de ticket
list-category = Categoría
list-all-categories = Todas las categorías
list-priority = Prioridad
list-any-priority = Cualquier prioridad
list-assignee = Responsable
list-anyone = Cualquiera
list-me = Yo
list-unassigned = Sin asignar
list-tag = Etiqueta
list-any-tag = Cualquier etiqueta
list-sort = Ordenar por
list-sort-activity = Última actividad
list-sort-created = Creación
list-sort-priority = Prioridad
list-filter = Filtrar
list-none-match = Ningún ticket coincide con estos filtros.
list-show-all = Mostrar todos los tickets
list-none-staff = Aún no hay tickets: aparecerán aquí cuando los clientes los abran.
list-none-customer = Aún no tiene tickets.
list-open-one = Abra un ticket
list-caption = Tickets
list-select = Seleccionar
list-select-ticket = Seleccionar el ticket { $number }
list-number = N.º
list-col-title = Título
list-col-status = Estado
list-col-priority = Prioridad
list-col-category = Categoría
list-col-customer = Cliente
list-col-assignee = Responsable
list-col-activity = Última actividad
list-new-reply = Respuesta nueva
list-bulk = Con los tickets seleccionados
list-bulk-all = { $n ->
    [one] El único ticket de esta página
   *[other] Los { $n } tickets de esta página
}
list-bulk-assign = Asignar
list-bulk-status = Cambiar estado
list-bulk-priority = Cambiar prioridad
list-bulk-delete = Eliminar…
list-pages = Páginas
list-first = Primera
list-previous = Anterior
list-next = Siguiente
list-last = Última
list-tickets = { $n ->
    [one] { $count } ticket
   *[other] { $count } tickets
}
list-position = { $start }–{ $end } de { $total }
list-page-of = Página { $page } de { $pages }

## A new ticket

new-title = Nuevo ticket
new-not-saved = No se guardó nada. Corrija los campos marcados abajo.
new-field-title = Título
new-field-category = Categoría
new-choose-category = Elija una categoría
new-field-priority = Prioridad
new-field-description = Descripción
new-field-tags = Etiquetas
new-tags-hint = Separadas por comas, por ejemplo: facturación, factura
new-field-attachments = Adjuntos
new-attachments-hint = Hasta 10 archivos, de 2 MiB como máximo cada uno.
new-attachments-again = Los archivos no se conservan cuando el formulario tiene errores: elíjalos de nuevo.
new-button = Abrir ticket

## A ticket's page

ticket-changed = Este ticket cambió desde que lo abrió; no se guardó nada.
ticket-changed-check = Revise los cambios de abajo y envíe de nuevo.
ticket-conversation = Conversación
ticket-go-to-reply = Ir al formulario de respuesta
ticket-earlier = { $n ->
    [one] Mostrar 1 mensaje anterior
   *[other] Mostrar { $n } mensajes anteriores
}
ticket-message-from = Mensaje de { $name }
ticket-support = Soporte
ticket-internal-note = Nota interna
ticket-new = Nuevo
ticket-attachments = Adjuntos
ticket-reply = Responder
ticket-reply-not-saved = Su respuesta no se guardó. Corrija los campos marcados abajo.
ticket-saved-reply = Respuesta guardada
ticket-insert = Insertar
ticket-message = Mensaje
ticket-attachments-hint = Hasta 10 archivos, de 2 MiB como máximo cada uno.
ticket-internal-check = Nota interna (solo la ve el personal)
ticket-send = Enviar respuesta
ticket-finished = Este ticket está { $status }. Reábralo para añadir un mensaje.
ticket-details = Detalles
ticket-status = Estado
ticket-priority = Prioridad
ticket-category = Categoría
ticket-tags = Etiquetas
ticket-no-tags = Ninguna
ticket-customer = Cliente
ticket-assignee = Responsable
ticket-unassigned = Sin asignar
ticket-opened = Abierto el
ticket-activity = Última actividad
ticket-github-issue = Incidencia de GitHub:
ticket-reopen = Reabrir el ticket
ticket-close = Cerrar el ticket
ticket-manage = Gestionar el ticket
ticket-tags-hint = Separadas por comas
ticket-resolution = Resolución
ticket-save = Guardar cambios
ticket-delete = Eliminar el ticket…
ticket-github = Crear incidencia en GitHub
ticket-history = Historial
ticket-no-history = Aún no hay cambios.

## Bulk actions

bulk-select-one = Seleccione al menos un ticket.
bulk-invalid = Elija un valor válido para la acción.
bulk-delete-title = ¿Eliminar tickets?
bulk-delete-heading = { $n ->
    [one] ¿Eliminar { $count } ticket?
   *[other] ¿Eliminar { $count } tickets?
}
bulk-delete-explanation = Pasan a la papelera, donde un administrador puede restaurarlos o eliminarlos definitivamente.
bulk-delete-button = Eliminar
bulk-deleted = { $n ->
    [one] Se eliminó { $count } ticket.
   *[other] Se eliminaron { $count } tickets.
}
bulk-updated = { $n ->
    [one] Se actualizó { $count } ticket.
   *[other] Se actualizaron { $count } tickets.
}

## The account page

account-title = Su cuenta
account-tokens = Tokens de la API
account-tokens-intro = Los tokens permiten que sus scripts usen la API JSON en su nombre:
account-new-token = Su token nuevo.
account-copy-now = Cópielo ahora: no se volverá a mostrar.
account-new-token-label = Token nuevo de la API
account-no-tokens = No tiene tokens de la API.
account-token-name-col = Nombre
account-token-created = Creado
account-token-used = Último uso
account-never = nunca
account-actions = Acciones
account-revoke = Revocar
account-token-name = Nombre del token
account-token-placeholder = p. ej. script de integración continua
account-create-token = Crear token
account-mail = Avisos por correo
account-mail-about = Avisarme por correo de
account-mail-off = (desactivado para todos por un administrador)
account-mail-save = Guardar avisos
account-language-zone = Idioma y zona horaria
account-language = Idioma
account-language-browser = El idioma del navegador
account-language-save = Guardar idioma
account-language-saved = Se guardó su idioma.
account-language-invalid = Elija un idioma de la lista.
account-zone = Mostrar las horas en
account-zone-save = Guardar zona horaria
account-password = Cambiar la contraseña
account-password-intro = Al cambiar la contraseña se cierran todas sus otras sesiones.
account-password-current = Contraseña actual
account-password-button = Cambiar la contraseña
notify-ticket-received = Ticket recibido (al cliente)
notify-staff-reply = Respuestas del personal (al cliente)
notify-ticket-closed = Ticket resuelto o cerrado por el personal (al cliente)
notify-assigned = Ticket asignado a usted (al agente)
notify-customer-reply = Respuesta del cliente (al responsable)
notify-new-ticket = Ticket nuevo (a todos los agentes)

## Errors

error-title-400 = Solicitud incorrecta
error-title-403 = Prohibido
error-title-404 = No encontrado
error-title-409 = Conflicto
error-title-413 = Contenido demasiado grande
error-title-422 = Contenido no procesable
error-title-429 = Demasiadas solicitudes
error-title-500 = Error interno del servidor
error-title-502 = Puerta de enlace incorrecta
error-title-503 = Servicio no disponible
error-not-found = Página no encontrada
error-forbidden = No tiene permiso para hacer eso
error-csrf = El formulario caducó o vino de otro sitio. Vuelva atrás, recargue la página e inténtelo de nuevo.
error-unavailable = El centro de ayuda no puede guardar cambios en este momento (su almacenamiento está lleno o falla). No se guardó nada. Inténtelo de nuevo dentro de unos minutos.
error-internal = Algo falló por nuestra parte. Inténtelo de nuevo en un momento.
error-open-limit = Ya tiene { $limit } tickets abiertos. Cierre uno antes de abrir otro.
error-ticket-closed = Este ticket está cerrado. Reábralo para añadir un mensaje.
error-stale = El ticket cambió mientras lo editaba. Recárguelo e inténtelo de nuevo.
error-escalated = Este ticket ya tiene una incidencia en GitHub.
error-github-off = La integración con GitHub no está configurada: un administrador la activa en Ajustes.
error-github-failed = GitHub no creó la incidencia ({ $cause }). No se cambió nada; inténtelo más tarde.
error-back = Volver al centro de ayuda
confirm-cancel = Cancelar
error-unsaved = El centro de ayuda no puede guardar cambios en este momento (su almacenamiento está lleno o falla). No se guardó nada. Inténtelo de nuevo dentro de unos minutos. Su texto se conserva abajo.
error-form-unreadable = No se pudo leer el formulario: { $cause }
error-choose-status = Elija un estado válido.
error-throttled = Demasiadas solicitudes. Inténtelo de nuevo dentro de { $minutes } minutos.
error-login-locked = Demasiados intentos fallidos. Inténtelo de nuevo dentro de { $minutes } minutos.
error-login-wrong = El correo electrónico o la contraseña no son correctos.

## Account problems

account-error-email-missing = Escriba su correo electrónico.
account-error-email-invalid = Escriba un correo electrónico válido, como nombre@ejemplo.com.
account-error-email-taken = Ya existe una cuenta con este correo electrónico.
account-error-password-short = Use al menos { $max } caracteres.
account-error-too-long = Use como máximo { $max } caracteres.
account-error-name-missing = Escriba su nombre.
account-error-password-failed = No se pudo guardar la contraseña. Inténtelo de nuevo.
account-error-mismatch = Las dos contraseñas no coinciden.
account-error-zone = Elija una zona horaria de la lista.
account-error-current = Su contraseña actual no es correcta.
account-error-signup-throttled = Demasiados registros desde su red. Inténtelo de nuevo dentro de { $minutes } minutos.
account-error-token-name = Dé al token un nombre de 1 a { $max } caracteres.

## Messages after an action

flash-welcome = ¡Bienvenido! Su cuenta está lista.
flash-password-reset = Se cambió su contraseña. Inicie sesión con la nueva.
flash-logged-out = Ha cerrado la sesión.
flash-zone-saved = Se guardó su zona horaria.
flash-notifications-saved = Se guardaron sus avisos.
flash-password-changed = Se cambió su contraseña. Se cerraron las demás sesiones.
flash-token-revoked = Se revocó el token.
flash-admin-ready = Su cuenta de administrador está lista.
flash-nothing-changed = No hay nada que cambiar.
flash-ticket-updated = Se actualizó el ticket.
flash-note-added = Se añadió su nota interna.
flash-message-added = Se añadió su mensaje.
flash-ticket-trashed = El ticket #{ $number } se movió a la papelera.
flash-status-already = El ticket ya está { $status }.
flash-reopened = Se reabrió el ticket.
flash-status-now = El ticket ahora está { $status }.
flash-github-created = Se creó la incidencia #{ $number } en GitHub.
flash-ticket-opened = Se abrió el ticket #{ $number }.
ticket-delete-title = ¿Eliminar el ticket?
ticket-delete-heading = ¿Eliminar el ticket #{ $number }?
ticket-delete-explanation = «{ $title }» pasa a la papelera, donde un administrador puede restaurarlo o eliminarlo definitivamente.
ticket-delete-button = Eliminar el ticket
draft-reply = Ha vuelto a iniciar sesión. Su respuesta está abajo tal como la escribió: revísela y pulse Enviar respuesta.
draft-reply-files = Ha vuelto a iniciar sesión. Su respuesta está abajo tal como la escribió: revísela y pulse Enviar respuesta. Adjunte de nuevo sus archivos: { $files }.
draft-ticket = Ha vuelto a iniciar sesión. Su ticket nuevo está abajo tal como lo escribió: revíselo y pulse Abrir ticket.
draft-ticket-files = Ha vuelto a iniciar sesión. Su ticket nuevo está abajo tal como lo escribió: revíselo y pulse Abrir ticket. Adjunte de nuevo sus archivos: { $files }.

## Administration
admin-users-search = Buscar por nombre o correo electrónico
admin-all-roles = Todos los roles
admin-users-pages = Páginas de usuarios
admin-newest = Más recientes
admin-older-users = Usuarios anteriores
admin-deactivated = Desactivado
admin-active = Activo
admin-change = Cambiar
admin-deactivate = Desactivar
admin-reactivate = Reactivar
admin-create-user-title = Crear un usuario
admin-initial-password = Contraseña inicial
admin-create-user = Crear usuario
admin-name = Nombre
admin-email = Correo electrónico
admin-role = Rol
admin-status = Estado
admin-created = Creado
admin-actions = Acciones
admin-search = Buscar
admin-users = Usuarios
admin-categories-intro = Una categoría que usan tickets no se puede eliminar, solo desactivar (deja de ofrecerse en los tickets nuevos).
admin-new-category = Nueva categoría
admin-description = Descripción
admin-save = Guardar
admin-delete = Eliminar
admin-slug = Identificador
admin-create = Crear
admin-categories = Categorías
admin-tags-intro = Una etiqueta desactivada se queda en sus tickets pero deja de ofrecerse.
admin-new-tag = Nueva etiqueta
admin-keyword = Palabra clave
admin-tags = Etiquetas
admin-keys-intro = Las claves de integración autentican la API de estilo epixel (cabecera apikey).
admin-new-key-notice = Su clave nueva. Cópiela ahora: no se volverá a mostrar.
admin-new-key = Clave de integración nueva
admin-no-keys = Aún no hay claves de integración. Cree abajo una para cada sistema que llame a la API epixel; se muestra una sola vez.
admin-revoke = Revocar
admin-key-name = Nombre de la clave
admin-create-key = Crear clave
admin-keys = Claves de integración
admin-limit = Tickets abiertos por cliente
admin-repo = Repositorio de GitHub
admin-repo-placeholder = propietario/nombre
admin-repo-hint = Los tickets escalados se convierten aquí en incidencias. Déjelo vacío para desactivar el escalado.
admin-github-token = Token de GitHub
admin-token-saved = Hay un token guardado; nunca se muestra. Escriba uno nuevo para sustituirlo.
admin-no-token = No hay ningún token guardado.
admin-save-settings = Guardar ajustes
admin-settings = Ajustes
admin-trash-empty = La papelera está vacía.
admin-deleted-tickets = Tickets eliminados
admin-deleted-by = Eliminado por
admin-deleted = Eliminado
admin-restore = Restaurar
admin-purge = Eliminar definitivamente
admin-title-col = Título
admin-customer = Cliente
admin-trash = Papelera

## Administration messages
admin-mail = Correo
admin-purge-title = ¿Eliminar definitivamente?
replies-title = Respuestas guardadas
replies-edit-title = Editar la respuesta guardada
replies-delete-title = Eliminar la respuesta guardada
admin-error-role = Elija un rol válido.
admin-error-own-role = No puede quitarse su propio rol de administrador.
admin-flash-role = Se cambió el rol.
admin-error-self = No puede desactivarse a sí mismo.
admin-flash-reactivated = Se reactivó el usuario.
admin-flash-deactivated = Se desactivó el usuario; terminaron sus sesiones y sus tokens de la API.
admin-flash-category-created = Se creó la categoría.
admin-flash-category-saved = Se guardó la categoría.
admin-error-category-used = Hay tickets que usan esta categoría: desactívela en su lugar.
admin-flash-category-deleted = Se eliminó la categoría.
admin-flash-tag-created = Se creó la etiqueta.
admin-flash-tag-saved = Se guardó la etiqueta.
admin-flash-key-revoked = Se revocó la clave.
admin-error-limit = El límite de tickets abiertos debe ser un número entero de 1 a 10000.
admin-error-repo = El repositorio de GitHub debe tener la forma propietario/nombre.
admin-flash-settings = Se guardaron los ajustes.
admin-error-no-mail = El correo no está configurado: no hay nada que probar.
admin-error-test-address = Escriba un correo electrónico como nombre@ejemplo.com.
admin-flash-test-mail = Se puso en cola un correo de prueba; su línea en la bandeja de salida muestra cómo fue.
admin-error-new-ticket-mail = Elija quién recibe correo sobre los tickets nuevos.
admin-error-unknown-senders = Elija qué pasa con el correo de remitentes desconocidos.
admin-flash-notifications = Se guardaron los avisos.
admin-flash-retry = El correo se volverá a intentar ahora.
admin-purge-explanation = Sus mensajes y archivos se borran y no se pueden restaurar.
replies-flash-created = Se creó la respuesta guardada.
replies-flash-saved = Se guardó la respuesta guardada.
replies-flash-deleted = Se eliminó la respuesta guardada.
admin-nav = Administración
admin-users-count = { $n ->
    [one] { $count } usuario
   *[other] { $count } usuarios
}
admin-flash-user-created = Se creó { $name } ({ $role }).
admin-error-category-new = Una categoría necesita un nombre y un identificador único de letras, dígitos, _ o -.
admin-error-category-name = Una categoría necesita un nombre.
admin-error-tag = Una etiqueta necesita un nombre único de 1 a 50 caracteres.
admin-error-key-name = Dé a la clave un nombre de 1 a { $max } caracteres.
admin-flash-restored = Se restauró el ticket #{ $number }.
admin-purge-heading = ¿Eliminar definitivamente el ticket #{ $number }?
admin-flash-purged = Se eliminó definitivamente el ticket #{ $number }.
admin-role-of = Rol de { $name }

## History

history-field-status = estado
history-field-priority = prioridad
history-field-category = categoría
history-field-title = título
history-field-subject = asunto
history-field-tags = etiquetas
history-field-resolution = resolución
history-field-issue-url = incidencia de GitHub
history-changed-from-to = cambió { $what } de { $from } a { $to }
history-set-to = fijó { $what } en { $to }
history-cleared = borró { $what } (era { $from })
history-changed = cambió { $what }
history-created = abrió el ticket
history-deleted = movió el ticket a la papelera
history-restored = restauró el ticket desde la papelera
history-assigned = se lo asignó a { $name }
history-unassigned = lo dejó sin asignar

## Mail administration
mail-settings = Ajustes en uso
mail-smtp = Servidor SMTP
mail-sender = Remitente
mail-links = Los enlaces apuntan a
mail-test-to = Enviar un correo de prueba a
mail-test = Enviar correo de prueba
mail-kinds-legend = Enviar estos avisos (cada usuario puede desactivarlos para sí)
mail-new-ticket = Correo sobre tickets nuevos
mail-new-unassigned = a todos los agentes y administradores, salvo que alguien haya tomado el ticket antes
mail-new-all = a todos los agentes y administradores
mail-new-off = a nadie
mail-unknown = Correo de direcciones sin cuenta
mail-unknown-accept = abre un ticket y una cuenta de cliente (sin contraseña)
mail-unknown-refuse = se rechaza (el servidor de correo del remitente lo devuelve)
mail-save = Guardar avisos
mail-kinds = Avisos
mail-outbox = Bandeja de salida
mail-none = Aún no hay correo.
mail-caption = Los correos más recientes, primero el más nuevo
mail-queued-col = En cola desde
mail-kind = Tipo
mail-to = Para
mail-ticket = Ticket
mail-state = Estado
mail-attempts = Intentos
mail-last-error = Último error
replies-intro = Compartidas por todos los agentes y administradores. Inserte una en una respuesta desde la página de un ticket; estos marcadores se rellenan:
replies-none = Aún no hay respuestas guardadas. Escriba la primera abajo.
replies-delete = Eliminar
replies-title-col = Título
replies-text = Texto
replies-changed = Modificada
replies-new = Nueva respuesta guardada
replies-not-saved = No se guardó la respuesta. Corrija los campos marcados abajo.
replies-all = Todas las respuestas guardadas
replies-delete-explanation = La respuesta guardada se elimina para todo el equipo. Las respuestas ya enviadas con ella se quedan como están.
replies-keep = Conservarla
mail-not-configured = El correo no está configurado: no se envía ni se pone en cola ningún aviso. Para enviar correo, arranque el servidor con:
mail-state-sent = enviado
mail-state-given-up = abandonado
mail-state-failing = fallando
mail-state-queued = en cola
mail-retry = Reintentar ahora
replies-placeholder-customer = el nombre del cliente
replies-placeholder-number = el número del ticket
replies-placeholder-title = el título del ticket
replies-placeholder-agent = su nombre
replies-delete-heading = ¿Eliminar «{ $title }»?

## Mail

mail-hello = Hola:
mail-hello-name = Hola, { $name }:
mail-test-subject = Correo de prueba del centro de ayuda
mail-test-lead = Este es un correo de prueba enviado desde los ajustes de correo del centro de ayuda. Si puede leerlo, el correo funciona.
mail-open-desk = Abrir el centro de ayuda
mail-open-ticket = Abrir el ticket
mail-ticket-received = Hemos recibido su ticket #{ $number }, «{ $title }». Le responderemos aquí y por correo.
mail-staff-reply = { $author } respondió a su ticket #{ $number }:
mail-ticket-closed = Su ticket #{ $number } se resolvió o se cerró. Responda a este correo o abra el ticket para reabrirlo.
mail-assigned = Se le asignó el ticket #{ $number }, «{ $title }».
mail-customer-reply = { $author } respondió al ticket #{ $number }:
mail-files-refused = Algunos archivos de su correo sobre el ticket #{ $number } no se aceptaron: { $files }. Cada archivo puede ocupar como máximo 2 MiB, y cada mensaje llevar como máximo 10; añádalos en la página del ticket.
mail-reset-subject = Restablezca su contraseña
mail-reset-lead = Alguien, seguramente usted, pidió restablecer la contraseña de su cuenta del centro de ayuda. El enlace de abajo funciona una vez, durante una hora. Si no fue usted, ignore este correo: su contraseña no cambia.
mail-reset-link = Elegir una contraseña nueva
mail-confirm-subject = Confirme su cuenta del centro de ayuda
mail-confirm-lead = Alguien, seguramente usted, se registró en el centro de ayuda con esta dirección. Siga el enlace de abajo (antes de un día) para confirmarla y empezar a usar su cuenta. Si no fue usted, ignore este correo y no se creará ninguna cuenta.
mail-confirm-link = Confirmar mi cuenta
mail-existing-subject = Alguien intentó registrarse con su dirección
mail-existing-lead = Alguien intentó registrarse en el centro de ayuda con esta dirección, que ya tiene una cuenta. Si fue usted y olvidó su contraseña, elija una nueva con el enlace de abajo (funciona una vez, durante una hora). Si no, ignore este correo: no ha cambiado nada.
mail-footer-ticket = Responda a este correo para contestar en el ticket #{ $number }. Enviado por el centro de ayuda.
mail-footer = Enviado por el centro de ayuda.
mail-notice-new-ticket = Se abrió un ticket nuevo: #{ $number }, «{ $title }».
mail-attachments = Adjuntos:
stale-added-note = { $name } añadió una nota interna.
stale-added-message = { $name } añadió un mensaje.
stale-changed = Otra persona cambió el ticket.
error-upload-too-large = El envío es demasiado grande: cada archivo puede ocupar como máximo 2 MiB, y como máximo 10 archivos a la vez.
size-bytes = { $n ->
    [one] { $count } byte
   *[other] { $count } bytes
}
