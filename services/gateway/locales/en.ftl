start-share-phone = To sign in, share your phone number with the button below.
button-share-phone = 📱 Share my number
menu-title = Main menu
menu-promotions = 🎁 Promotions
menu-my-requests = 📋 My requests
menu-new-request = ✉️ New request
menu-assistant = 🤖 Ask the assistant
menu-webapp = 📱 Mini App
promotions-empty = There are no active promotions right now.
promotions-header = Promotions ({ $page } of { $pages })
promotion-dates = 📅 { $from } — { $to }
promotion-participate = 🎯 Take part
promotion-joined = ✅ You are taking part
promotion-open-link = 🔗 Learn more
button-prev = ◀️ Back
button-next = Next ▶️
error-apology = Sorry, something went wrong. Please try again a bit later.
service-unavailable = The service is temporarily unavailable. Please try again in a minute.
update-waiting = We received your message — one moment, we will answer as soon as the service is back.
update-gave-up = We could not handle your message: the service has been unavailable for a while. Please send it again a bit later.
unknown-command = I don't know that command. Open the menu: /menu

# Sign-in, menu, promotions (issue 4)
signin-required = Please sign in first: share your phone number with the button below.
signin-foreign-contact = That is someone else's contact. Please share your own number with the "Share my number" button below.
signin-invalid-phone = I could not read that phone number. Please share your own number with the button below.
signin-welcome = { $name }, you are signed in. Pick a section from the menu below.
signin-pending = Thank you! Your access request has gone to a manager. We will write as soon as it is decided.
signin-approved = { $name }, your access is open! Pick a section from the menu below.
signin-blocked = Sorry, access to this bot is closed for you. If this is a mistake, please contact us.
staff-only = Only managers and admins can do this.
staff-user-gone = This user is no longer in the sheet.
staff-approve = ✅ Approve
staff-deny = ⛔ Deny
staff-approved-by = ✅ Approved by { $name }
staff-denied-by = ⛔ Denied by { $name }
staff-already-decided = This request has already been decided.
staff-no-pending = No access requests are waiting.
staff-pending-user = 🙋 Access request: { $name }, { $phone } ({ $id })
staff-participation = 🎁 Taking part in "{ $title }": { $name }, { $phone } ({ $id })
help-text = I am the company's bot: promotions, support requests and answers to questions. Everything is in the menu below; /promotions for promotions, /menu for the menu. What is kept about you: /mydata, erase it: /forget.
help-staff = For managers: /pending lists access requests; /broadcast starts a broadcast; /broadcast_status B-1 shows its status; /broadcast_cancel B-1 cancels it. In the staff chat: /take and /close in reply to a request.
promotion-unavailable = This promotion has ended or is not available.
participation-done-short = Done: you are taking part!
participation-done = ✅ You are taking part in "{ $title }". We will be in touch.
participation-already = You are already taking part in "{ $title }".
button-outdated = This button is out of date. Open the menu: /menu
flood-notice = You are sending messages too fast, so I skipped some of them. Wait a few seconds and send what you need again.
text-too-long = That message is too long. Please shorten it.
not-understood = I understand text and the menu buttons. Open the menu: /menu
command-start = Start and sign in
command-menu = Main menu
command-promotions = Promotions
command-help = Help
command-pending = Access requests (managers)
menu-button = App
assistant-intro = Ask about promotions, delivery, payment or service, and I will answer from the company's knowledge base. Start over: /reset
assistant-unknown = I don't know the answer: it is not in the knowledge base. I can pass your question to a manager: tap "Create a request".
assistant-handoff-button = 🙋 Create a request
assistant-sources = 📎 Sources: { $list }
assistant-retrieval-note = ℹ️ Answer from the knowledge base.
assistant-fallback-note = ℹ️ Answer from the knowledge base (the AI assistant is unavailable right now).
assistant-quota = You have used today's questions to the assistant ({ $limit } a day). Ask again tomorrow, or create a request and a manager will answer.
assistant-too-long = The question is too long: at most { $max } characters. Please shorten it.
assistant-busy = I am still answering your previous questions. Please wait a moment.
assistant-reset-done = Starting over: I have forgotten our earlier conversation.
assistant-handoff-created = Request { $id } created, with the conversation attached. A manager will answer here.
assistant-handoff-empty = Ask a question first; then I can pass it to a manager with the conversation.
assistant-transcript-no-answer = (no answer in the knowledge base)
# Requests: docs/requests.md
status-new = 🆕 new
status-in_progress = 🛠 in progress
status-answered = 💬 answered
status-closed = ✅ closed
media-offer-file = Open a request with this attachment? Press the button and it will be attached.
media-offer-place = Open a request with this place? Press the button and the point will be added to the request.
button-request-with-it = ✉️ Request with this
request-sign-in-first = To open a request, please sign in first: /start
request-choose-category = Choose the topic of your request (/cancel to stop):
request-category-picked = Topic: { $category }
request-use-buttons = Choose with a button above, or send /cancel to stop.
request-write-text = Describe your question in one message.
request-text-expected = Please send the text of your request (or /cancel to stop).
request-text-too-long = That is too long: at most { $max } characters, please.
request-attach = You may attach photos or files (up to { $max }). Press "Done" when ready.
request-attach-hint = Send a photo or a file, or press "Done" (/cancel to stop).
request-attached = Attachments: { $count }. Another one, or "Done".
request-confirm =
    Please check your request:

    Topic: { $category }
    { $text }
    Attachments: { $files }

    Send it?
button-done = ✅ Done
button-send = 📨 Send
button-cancel = ✖️ Cancel
request-cancelled = Request cancelled; nothing was saved.
request-nothing-to-cancel = There is nothing to cancel.
request-created = Request { $id } received. The answer will come here, in this chat; see "My requests" for its status.
request-failed = Could not save the request. Please try again a bit later.
my-requests-empty = You have no requests yet.
my-requests-header = Your requests ({ $from }–{ $to } of { $total }). Tap one to open it:
request-line = { $id } · { $status } · { $category }
request-thread-header =
    Request { $id } · { $category }
    Status: { $status }
request-thread-user = 👤 You, { $at }:
request-thread-staff = 💬 { $name }, { $at }:
button-add-message = ✍️ Add a message
button-close-request = ✅ Close the request
button-back-to-list = ◀️ Back to the list
request-not-found = Request not found.
request-reply-prompt = Write your message to request { $id } as a reply to this message (a photo or file is fine too).
request-message-added = Added to request { $id }.
request-closed-already = Request { $id } is closed already. If you still need help, open a new one.
request-closed-by-you = Request { $id } is closed.
request-rate = Please rate how we helped: 1 is poor, 5 is excellent.
request-rated = Thank you for the rating!
request-already-rated = Your rating is saved already, thank you.
request-answer =
    💬 Answer to request { $id }:

    { $text }
request-answer-corrected =
    ✏️ Corrected answer to request { $id }:

    { $text }
request-status-changed = Request { $id }: { $status }
request-status-answer =
    Request { $id }: { $status }

    Answer: { $answer }
staff-card =
    Request { $id } · { $category }
    From: { $name } (tg { $telegramId })
    Status: { $status } · assignee: { $assignee }
staff-topic-name = { $id } · { $status } · { $name }
staff-user-message = 👤 { $name }: { $text }
staff-button-take = 🛠 Take
staff-button-close = ✅ Close
staff-only-managers = Only managers and admins can act on requests.
staff-taken = 🛠 { $id } taken by { $name }
staff-closed = ✅ { $id } closed by { $name }
staff-done-taken = Taken
staff-done-closed = Closed
staff-taken-already = Already yours
staff-request-closed = Request { $id } is closed already.
staff-closed-by-user = ✅ The user closed request { $id }.
staff-rated = ⭐ Rating of request { $id }: { $rating } of 5
staff-sheet-answer = 📝 Answer to { $id } typed in the Sheet: { $text }
staff-sheet-bad-value = ⚠️ In the Sheet, tab { $tab }, row { $id }, column { $column }: the value “{ $value }” is not allowed. The row is not applied until it is corrected.
staff-user-blocked = ⚠️ { $name } blocked the bot: the message about { $id } was not delivered.
# Broadcasts (issue 8)
broadcast-open-promotion = 🎁 About the promotion
broadcast-ask-text = Send the text of the broadcast (up to 4096 characters).
broadcast-ask-segment = Who should get it? Type a segment (e.g. retail or partners) or all for everyone.
broadcast-preview = Broadcast to segment “{ $segment }”: { $count } recipients. Send it?
broadcast-button-send = 📣 Send
broadcast-button-cancel = ✖️ Cancel
broadcast-started = Broadcast { $id } started, { $count } recipients. Status: /broadcast_status { $id }
broadcast-discarded = Broadcast discarded, nothing was sent.
broadcast-staff-only = This command is for managers only.
broadcast-not-found = Broadcast { $id } not found.
broadcast-finished = Broadcast { $id } has already finished.
broadcast-cancelled = Broadcast { $id } stopped. Sent before stopping: { $sent }.
broadcast-status = Broadcast { $id }: { $status }. Sent: { $sent }, failed: { $failed }, blocked the bot: { $blocked }, queued: { $pending }, link conversions: { $conversions }.
broadcast-usage-id = Give the broadcast's number, e.g. /broadcast_status B-12
broadcast-too-long = The text is longer than 4096 characters. Shorten it and send it again.
optout-done = You have unsubscribed from marketing messages. Replies to your requests will keep coming. Subscribe again: /start_news
optout-resumed = News and promotion messages are on again. Unsubscribe: /stop

# Personal data (issue 15, docs/privacy.md)
privacy-notice = We need your phone number to recognise you: we match it against our client list and keep it with your name. By sending your number with the button below you agree to the processing of your personal data. See what is kept: /mydata, erase it: /forget.
privacy-policy-link = Personal data policy: { $url }
mydata =
    What we keep about you:
    • Name: { $name }
    • Phone: { $phone }
    • Segment: { $segment }
    • Language: { $language }
    • Status: { $status }
    • Registered: { $registered }
    • Last active: { $seen }
    • Consent to data processing: { $consent }
    • Requests: { $requests }, promotions taken part in: { $participations }
    Erase this data: /forget
mydata-none = Nothing is kept about you.
mydata-never = —
user-status-active = active
user-status-pending = waiting for approval
user-status-blocked = access closed
user-status-deleted = data erased
forget-confirm = Erase your data? Your name, phone and Telegram account will be wiped and your request texts replaced with "[удалено]". This cannot be undone: to use the bot again you will need to sign in anew.
forget-yes = 🗑 Yes, erase
forget-no = Cancel
forget-kept = All right, your data stays.
forget-done-short = 🗑 Data erased.
forget-done = Your data has been erased. To start again, send /start.
forget-nothing = There is no data to erase: it has been erased already.
staff-user-forgotten = 🗑 User { $id } erased their personal data (/forget).
command-mydata = My data
command-forget = Erase my data
staff-approved-in-sheet = ✅ Approved in the sheet
staff-denied-in-sheet = ⛔ Denied in the sheet
broadcast-state-draft = draft
broadcast-state-scheduled = scheduled
broadcast-state-sending = sending
broadcast-state-done = finished
broadcast-state-failed = failed
broadcast-state-cancelled = cancelled
